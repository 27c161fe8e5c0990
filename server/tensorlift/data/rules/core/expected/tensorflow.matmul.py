import tensorflow as tf


def kernel(A, B, m, n, p):
    C = tf.linalg.matmul(A, B)
    return C
