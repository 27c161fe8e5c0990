# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def gemv_accumulate(A, x, y, m, n):
    y[:m] = y[:m] + mx.einsum("ab,b->a", A[:m, :n], x[:n])
    return y
