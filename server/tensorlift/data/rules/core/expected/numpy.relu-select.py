import numpy as np


def kernel(a, n):
    r = np.array(np.broadcast_to(np.maximum(a[:n], 0), (n,)))
    return r
