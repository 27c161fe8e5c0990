# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def c_division(a, b, n):
    q = mx.sign(a[:n]) * mx.sign(b[:n]) * (mx.abs(a[:n]) // mx.abs(b[:n])) * 100 + (a[:n] - b[:n] * (mx.sign(a[:n]) * mx.sign(b[:n]) * (mx.abs(a[:n]) // mx.abs(b[:n]))))
    return q
