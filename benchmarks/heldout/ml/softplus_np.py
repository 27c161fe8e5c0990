"""Softplus activation on a NumPy vector: log(1 + exp(x)) per element (no overflow guard)."""
import math

import numpy as np


def softplus(x: np.ndarray) -> np.ndarray:
    y = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = math.log(1.0 + math.exp(x[i]))
    return y
