# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def in_place_partial_2d(A, B, m, n):
    _idx1 = tf.stack(tf.meshgrid(tf.range(1, max(m, 1), 1, dtype=tf.int64), tf.range(0, max(n, 0), 1, dtype=tf.int64), indexing="ij"), axis=-1)
    B = tf.tensor_scatter_nd_update(B, _idx1, tf.broadcast_to(tf.cast(B[1:m, :n] * 2 + tf.transpose(A[:n, 1:m], (1, 0)), B.dtype), tf.shape(_idx1)[:-1]))
    return B
