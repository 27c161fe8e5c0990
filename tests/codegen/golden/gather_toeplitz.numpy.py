# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def gather_toeplitz(a, m, n):
    T = a[np.arange(0, m)[:, None] + np.arange(0, n)]
    return T
