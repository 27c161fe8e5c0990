# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def elementwise_float(a, b, n):
    r = (a[:n] + b[:n] * 2.0 - a[:n] / (tf.abs(b[:n]) + 1.0)) * -a[:n]
    return r
