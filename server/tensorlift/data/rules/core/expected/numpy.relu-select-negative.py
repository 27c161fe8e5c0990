import numpy as np


def kernel(x, n):
    y = np.array(np.broadcast_to(np.maximum(x[:n], 0), (n,)))
    return y
