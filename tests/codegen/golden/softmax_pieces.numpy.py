# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: numpy.max, numpy.sum
import numpy as np

def softmax_pieces(x, n):
    xmax = float(np.max(x[:n]))
    e = np.exp(x[:n] - xmax)
    z = float(np.sum(e))
    p = e / z
    return xmax, e, z, p
