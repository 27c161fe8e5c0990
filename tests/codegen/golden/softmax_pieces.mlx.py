# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: mlx.max, mlx.sum
import mlx.core as mx

def softmax_pieces(x, n):
    xmax = float(mx.max(x[:n]))
    e = mx.exp(x[:n] - xmax)
    z = float(mx.sum(e) if n > 0 else 0.0)
    p = e / z
    return xmax, e, z, p
