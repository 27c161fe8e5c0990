# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def prefix_rows(a, n):
    r = np.sum(np.where(np.logical_and(np.arange(0, n) >= 0, np.arange(0, n) < (np.arange(0, n) + 1)[:, None]), a, 0), axis=1)
    return r
