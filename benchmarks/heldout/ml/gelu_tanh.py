"""GELU, tanh approximation: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))), element by element."""
import math


def gelu(xs):
    k = math.sqrt(2.0 / math.pi)
    out = [0.0] * len(xs)
    for i, x in enumerate(xs):
        inner = k * (x + 0.044715 * x * x * x)
        out[i] = 0.5 * x * (1.0 + math.tanh(inner))
    return out
