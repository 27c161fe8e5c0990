# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def elementwise_float(a, b, n):
    r = (a[:n] + b[:n] * 2.0 - a[:n] / (np.abs(b[:n]) + 1.0)) * -a[:n]
    return r
