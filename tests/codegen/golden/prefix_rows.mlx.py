# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def prefix_rows(a, n):
    r = mx.sum(mx.where(mx.logical_and(mx.arange(0, n) >= 0, mx.arange(0, n) < (mx.arange(0, n) + 1)[:, None]), a, 0), axis=1)
    return r
