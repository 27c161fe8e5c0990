import tensorflow as tf


def kernel(x, n):
    y = tf.identity(tf.broadcast_to(tf.maximum(x[:n], 0), (n,)))
    return y
