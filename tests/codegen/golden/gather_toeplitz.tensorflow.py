# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def gather_toeplitz(a, m, n):
    T = tf.gather_nd(a, tf.stack([tf.broadcast_to(tf.cast(tf.range(0, max(0, m), dtype=tf.int64)[:, None] + tf.range(0, max(0, n), dtype=tf.int64), tf.int64), (m, n))], axis=-1))
    return T
