"""The scaling half of RMSNorm: multiply every element by a precomputed factor and a weight."""
import numpy as np


def rms_scale(x: np.ndarray, weight: np.ndarray, factor: float) -> np.ndarray:
    out = np.zeros_like(x)
    for i in range(len(x)):
        out[i] = weight[i] * (factor * x[i])
    return out
