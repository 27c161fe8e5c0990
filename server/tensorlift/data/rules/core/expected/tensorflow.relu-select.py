import tensorflow as tf


def kernel(a, n):
    r = tf.identity(tf.broadcast_to(tf.maximum(a[:n], 0), (n,)))
    return r
