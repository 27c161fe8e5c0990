# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: tensorflow.max, tensorflow.sum
import tensorflow as tf

def softmax_pieces(x, n):
    xmax = float(tf.reduce_max(x[:n]))
    e = tf.exp(x[:n] - xmax)
    z = float(tf.reduce_sum(e))
    p = e / z
    return xmax, e, z, p
