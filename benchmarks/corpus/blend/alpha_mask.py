"""Normal blend with a per-pixel alpha mask on 2-D NumPy images."""
import numpy as np


def blend_normal(base, top, alpha):
    h, w = base.shape
    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            a = alpha[y, x]
            out[y, x] = a * top[y, x] + (1.0 - a) * base[y, x]
    return out
