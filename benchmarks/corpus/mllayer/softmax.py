"""Softmax over a 1-D NumPy array in three passes."""
import math

import numpy as np


def softmax(z):
    n = z.shape[0]
    zmax = z[0]
    for i in range(1, n):
        zmax = max(zmax, z[i])
    e = np.zeros(n)
    total = 0.0
    for i in range(n):
        e[i] = math.exp(z[i] - zmax)
        total += e[i]
    p = np.zeros(n)
    for i in range(n):
        p[i] = e[i] / total
    return p
