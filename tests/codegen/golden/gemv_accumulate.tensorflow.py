# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def gemv_accumulate(A, x, y, m, n):
    _idx1 = tf.stack(tf.meshgrid(tf.range(0, max(m, 0), 1, dtype=tf.int64), indexing="ij"), axis=-1)
    y = tf.tensor_scatter_nd_update(y, _idx1, tf.broadcast_to(tf.cast(y[:m] + tf.einsum("ab,b->a", A[:m, :n], x[:n]), y.dtype), tf.shape(_idx1)[:-1]))
    return y
