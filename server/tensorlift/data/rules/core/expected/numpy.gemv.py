import numpy as np


def kernel(A, x, m, n):
    y = A @ x
    return y
