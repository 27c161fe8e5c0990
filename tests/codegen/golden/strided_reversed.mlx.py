# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def strided_reversed(a, o, n):
    o[:2 * n:2] = a[:n][::-1]
    return o
