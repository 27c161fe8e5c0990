"""Example: the "screen" blend mode of image editors, pixel by pixel.

For two grey-scale images with values in [0, 1], screen lightens the base:
    out = 1 - (1 - base) * (1 - layer)
The double loop is one element-wise tensor expression; tensorlift rewrites it
to a vectorised NumPy (or PyTorch, JAX, ...) line that runs far faster.

    tensorlift lift examples/blend.py --target numpy --diff
"""
import numpy as np


def blend_screen(base, layer):
    height, width = base.shape
    out = np.zeros((height, width))
    for y in range(height):
        for x in range(width):
            out[y, x] = 1.0 - (1.0 - base[y, x]) * (1.0 - layer[y, x])
    return out
