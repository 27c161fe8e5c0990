import numpy as np


def kernel(A, x, y, m, n):
    y[:m] += A[:m, :n] @ x[:n]
    return y
