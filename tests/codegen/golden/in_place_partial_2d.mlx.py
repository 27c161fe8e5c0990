# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import mlx.core as mx

def in_place_partial_2d(A, B, m, n):
    B[1:m, :n] = B[1:m, :n] * 2 + A[:n, 1:m].T
    return B
