"""Example: ReLU written with an if statement.

`if v < 0: v = 0` inside the loop is max(v, 0) element-wise; tensorlift finds
that and proves it, so the loop becomes np.maximum(x, 0.0) (or torch.relu).

    tensorlift lift examples/relu.py --target torch
"""
import numpy as np


def relu(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        v = x[i]
        if v < 0:
            v = 0.0
        y[i] = v
    return y
