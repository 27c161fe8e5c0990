"""Column sums of a 2-D NumPy matrix, accumulated row by row (column index innermost)."""
import numpy as np


def column_sums(M):
    rows, cols = M.shape
    totals = np.zeros(cols)
    for r in range(rows):
        for c in range(cols):
            totals[c] += M[r, c]
    return totals
