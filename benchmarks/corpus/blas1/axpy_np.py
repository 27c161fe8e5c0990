"""In-place axpy on NumPy arrays: y <- alpha * x + y."""
import numpy as np


def axpy_inplace(alpha: float, x: np.ndarray, y: np.ndarray) -> None:
    n = x.shape[0]
    for i in range(n):
        y[i] += alpha * x[i]
