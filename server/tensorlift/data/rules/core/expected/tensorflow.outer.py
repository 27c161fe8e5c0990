import tensorflow as tf


def kernel(a, b, m, n):
    C = tf.tensordot(a[:m], b[:n], 0)
    return C
