# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def stencil(a, o, n):
    _idx1 = tf.stack(tf.meshgrid(tf.range(1, max(max(n - 1, 0), 1), 1, dtype=tf.int64), indexing="ij"), axis=-1)
    o = tf.tensor_scatter_nd_update(o, _idx1, tf.broadcast_to(tf.cast(a[:max(n - 2, 0)] + a[1:max(n - 1, 0)] * 2.0 + a[2:], o.dtype), tf.shape(_idx1)[:-1]))
    return o
