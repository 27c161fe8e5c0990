# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import numpy as np

def stencil(a, o, n):
    o[1:max(n - 1, 0)] = a[:max(n - 2, 0)] + a[1:max(n - 1, 0)] * 2.0 + a[2:]
    return o
