import numpy as np


def kernel(a, n):
    s = float(np.max(a[1:n]))
    return s
