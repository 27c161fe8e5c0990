import tensorflow as tf


def kernel(a, b, n, alpha):
    s = float(alpha * tf.tensordot(a[:n], b[:n], 1))
    return s
