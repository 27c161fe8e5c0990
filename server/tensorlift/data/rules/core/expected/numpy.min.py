import numpy as np


def kernel(a, n):
    s = int(np.min(a[:n]))
    return s
