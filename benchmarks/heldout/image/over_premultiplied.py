"""Porter-Duff "over" for premultiplied RGBA images (h x w x 4): out = src + dst * (1 - src_alpha), all four channels."""
import numpy as np


def composite_over(src, dst):
    height, width, channels = src.shape
    out = np.empty_like(dst)
    for y in range(height):
        for x in range(width):
            keep = 1.0 - src[y, x, 3]
            for ch in range(channels):
                out[y, x, ch] = src[y, x, ch] + dst[y, x, ch] * keep
    return out
