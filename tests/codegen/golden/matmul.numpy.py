# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: numpy.matmul
import numpy as np

def matmul(A, B, m, n, p):
    C = A @ B
    return C
