"""Scale every row of a NumPy matrix to unit Euclidean length: out[i, :] = X[i, :] / ||X[i, :]||_2."""
import numpy as np


def l2_normalize_rows(X):
    n, d = X.shape
    out = np.zeros((n, d))
    for i in range(n):
        sq = 0.0
        for j in range(d):
            sq += X[i, j] ** 2
        norm = np.sqrt(sq)
        for j in range(d):
            out[i, j] = X[i, j] / norm
    return out
