# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def row_sums(A, m, n):
    r = mx.sum(A[:m, :n], axis=1) if n > 0 else mx.full((m,), 0, dtype=mx.int64)
    return r
