"""Leaky ReLU on a 2-D NumPy activation map."""
import numpy as np


def leaky_relu(a, negative_slope=0.01):
    out = np.zeros(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            v = a[i, j]
            out[i, j] = v if v > 0 else negative_slope * v
    return out
