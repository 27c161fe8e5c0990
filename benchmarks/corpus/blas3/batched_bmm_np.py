"""Batched matrix multiply on 3-D NumPy arrays: out[b] = x[b] @ y[b]."""
import numpy as np


def bmm(x, y):
    nb, m, k = x.shape
    n = y.shape[2]
    out = np.zeros((nb, m, n), dtype=x.dtype)
    for b in range(nb):
        for i in range(m):
            for j in range(n):
                for t in range(k):
                    out[b, i, j] += x[b, i, t] * y[b, t, j]
    return out
