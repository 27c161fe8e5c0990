"""Sliding cross-correlation of a template over a longer NumPy signal (valid positions)."""
import numpy as np


def correlate_valid(signal, template):
    n = signal.shape[0]
    m = template.shape[0]
    result = np.zeros(n - m + 1)
    for pos in range(n - m + 1):
        s = 0.0
        for k in range(m):
            s += signal[pos + k] * template[k]
        result[pos] = s
    return result
