"""Difference blend of two 2-D NumPy images: |a - b| per pixel."""
import numpy as np


def difference(img_a, img_b):
    rows, cols = img_a.shape
    out = np.empty_like(img_a)
    for r in range(rows):
        for c in range(cols):
            out[r, c] = abs(img_a[r, c] - img_b[r, c])
    return out
