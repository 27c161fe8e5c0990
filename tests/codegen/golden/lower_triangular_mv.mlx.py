# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def lower_triangular_mv(L, x, n):
    y = mx.sum(mx.where(mx.logical_and(mx.arange(0, n) >= 0, mx.arange(0, n) < (mx.arange(0, n) + 1)[:, None]), L * x, 0), axis=1)
    return y
