import tensorflow as tf


def kernel(a, b, n):
    s = float(tf.tensordot(a[:n], b[:n], 1))
    return s
