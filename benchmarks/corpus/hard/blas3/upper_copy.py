"""Keep the upper triangle (diagonal included) of a square matrix; the rest stays zero."""
import numpy as np


def upper_triangle(A):
    n = A.shape[0]
    U = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            U[i, j] = A[i, j]
    return U
