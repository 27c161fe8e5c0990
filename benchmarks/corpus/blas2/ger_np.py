"""Outer product of two NumPy vectors into a fresh matrix."""
import numpy as np


def outer(u, v):
    P = np.zeros((len(u), len(v)))
    for i in range(len(u)):
        for j in range(len(v)):
            P[i, j] = u[i] * v[j]
    return P
