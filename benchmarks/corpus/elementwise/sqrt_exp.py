"""Two small element-wise maps using the math module: square root and exponential."""
import math


def vsqrt(xs):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = math.sqrt(xs[i])
    return out


def vexp(xs):
    out = [0.0] * len(xs)
    for i in range(len(xs)):
        out[i] = math.exp(xs[i])
    return out
