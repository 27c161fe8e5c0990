import tensorflow as tf


def kernel(a, n):
    s = float(tf.reduce_max(a[1:n]))
    return s
