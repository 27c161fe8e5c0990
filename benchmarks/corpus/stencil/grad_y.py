"""Vertical forward difference of a 2-D NumPy field: d[y, x] = f[y + 1, x] - f[y, x]."""
import numpy as np


def gradient_y(f):
    h, w = f.shape
    d = np.zeros((h - 1, w))
    for y in range(h - 1):
        for x in range(w):
            d[y, x] = f[y + 1, x] - f[y, x]
    return d
