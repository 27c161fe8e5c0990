# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: mlx.dot
import mlx.core as mx

def dot(a, b, alpha, n):
    s = float(alpha * mx.inner(a[:n], b[:n]))
    return s
