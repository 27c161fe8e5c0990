# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def c_division(a, b, n):
    q = tf.truncatediv(a[:n], b[:n]) * 100 + tf.truncatemod(a[:n], b[:n])
    return q
