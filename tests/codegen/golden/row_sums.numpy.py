# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def row_sums(A, m, n):
    r = np.sum(A[:m, :n], axis=1)
    return r
