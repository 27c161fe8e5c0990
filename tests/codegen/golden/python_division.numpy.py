# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def python_division(a, b, n):
    q = a[:n] // b[:n] * 100 + a[:n] % b[:n]
    return q
