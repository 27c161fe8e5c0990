"""Row vector times matrix, y = x^T A, with a NumPy output from np.zeros."""
import numpy as np


def vecmat(x, A):
    m, n = A.shape
    y = np.zeros(n)
    for j in range(n):
        s = 0.0
        for i in range(m):
            s += x[i] * A[i, j]
        y[j] = s
    return y
