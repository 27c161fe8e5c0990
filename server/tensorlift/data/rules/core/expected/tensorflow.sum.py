import tensorflow as tf


def kernel(a, n):
    s = int(tf.reduce_sum(a[:n]))
    return s
