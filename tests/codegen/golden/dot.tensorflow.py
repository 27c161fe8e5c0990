# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: tensorflow.dot
import tensorflow as tf

def dot(a, b, alpha, n):
    s = float(alpha * tf.tensordot(a[:n], b[:n], 1))
    return s
