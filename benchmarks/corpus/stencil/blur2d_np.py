"""Gaussian-like 3x3 blur (weights 1-2-1 / 2-4-2 / 1-2-1, /16) on the interior of a 2-D NumPy image."""
import numpy as np


def blur3x3(img):
    h, w = img.shape
    out = np.zeros((h, w))
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            acc = img[y - 1, x - 1] + 2 * img[y - 1, x] + img[y - 1, x + 1]
            acc += 2 * img[y, x - 1] + 4 * img[y, x] + 2 * img[y, x + 1]
            acc += img[y + 1, x - 1] + 2 * img[y + 1, x] + img[y + 1, x + 1]
            out[y, x] = acc / 16.0
    return out
