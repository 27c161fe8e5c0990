"""Absolute value of each element of a NumPy array."""
import numpy as np


def absolute(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = abs(x[i])
    return y
