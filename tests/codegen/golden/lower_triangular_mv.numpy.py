# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def lower_triangular_mv(L, x, n):
    y = np.sum(np.where(np.logical_and(np.arange(0, n) >= 0, np.arange(0, n) < (np.arange(0, n) + 1)[:, None]), L * x, 0), axis=1)
    return y
