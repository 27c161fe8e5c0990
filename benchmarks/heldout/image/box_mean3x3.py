"""3x3 box filter (mean of the nine neighbours) on the interior of a 2-D NumPy image; the border stays 0."""
import numpy as np


def box_mean3x3(img: np.ndarray) -> np.ndarray:
    rows, cols = img.shape
    out = np.zeros_like(img, dtype=float)
    for r in range(1, rows - 1):
        for c in range(1, cols - 1):
            acc = 0.0
            for dr in range(-1, 2):
                for dc in range(-1, 2):
                    acc += img[r + dr, c + dc]
            out[r, c] = acc / 9.0
    return out
