"""Weighted mean of a NumPy vector: sum_i w_i * x_i / sum_i w_i."""
import numpy as np


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    num = 0.0
    den = 0.0
    for i, w in enumerate(weights):
        num += w * values[i]
        den += w
    return num / den
