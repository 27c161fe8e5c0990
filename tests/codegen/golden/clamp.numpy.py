# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: numpy.clip
import numpy as np

def clamp(a, lo, hi, n):
    r = np.array(np.broadcast_to(np.clip(a[:n], lo, hi), (n,)))
    return r
