"""Fused multiply-add over NumPy arrays, d = a * b + c; the range spells out its step of 1."""
import numpy as np


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    d = np.zeros(len(a))
    for i in range(0, len(a), 1):
        d[i] = a[i] * b[i] + c[i]
    return d
