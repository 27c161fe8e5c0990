"""Affine sensor calibration y = gain * x + offset on a NumPy array."""
import numpy as np


def calibrate(raw, gain, offset):
    out = np.zeros_like(raw)
    for i in range(raw.shape[0]):
        out[i] = gain * raw[i] + offset
    return out
