"""GEMM with scaling on NumPy arrays: returns alpha * A @ B + beta * C as a new array."""
import numpy as np


def gemm(alpha, A, B, beta, C):
    m, k = A.shape
    n = B.shape[1]
    out = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            acc = 0.0
            for l in range(k):
                acc += A[i, l] * B[l, j]
            out[i, j] = alpha * acc + beta * C[i, j]
    return out
