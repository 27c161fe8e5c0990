# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def c_division(a, b, n):
    q = np.sign(a[:n]) * np.sign(b[:n]) * (np.abs(a[:n]) // np.abs(b[:n])) * 100 + np.fmod(a[:n], b[:n])
    return q
