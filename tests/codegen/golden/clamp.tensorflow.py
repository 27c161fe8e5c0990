# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def clamp(a, lo, hi, n):
    r = tf.minimum(tf.maximum(a[:n], lo), hi)
    return r
