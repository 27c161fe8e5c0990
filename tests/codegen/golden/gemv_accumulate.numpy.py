# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: numpy.gemv-accumulate
import numpy as np

def gemv_accumulate(A, x, y, m, n):
    y[:m] += A[:m, :n] @ x[:n]
    return y
