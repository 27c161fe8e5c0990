# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: numpy.dot
import numpy as np

def dot(a, b, alpha, n):
    s = float(alpha * np.dot(a[:n], b[:n]))
    return s
