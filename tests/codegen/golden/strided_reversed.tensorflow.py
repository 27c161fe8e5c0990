# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def strided_reversed(a, o, n):
    _idx1 = tf.stack(tf.meshgrid(tf.range(0, max(2 * n, 0), 2, dtype=tf.int64), indexing="ij"), axis=-1)
    o = tf.tensor_scatter_nd_update(o, _idx1, tf.broadcast_to(tf.cast(tf.reverse(a[:n], [0]), o.dtype), tf.shape(_idx1)[:-1]))
    return o
