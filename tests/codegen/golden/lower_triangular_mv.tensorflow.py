# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def lower_triangular_mv(L, x, n):
    y = tf.reduce_sum(tf.where(tf.logical_and(tf.range(0, max(0, n), dtype=tf.int64) >= 0, tf.range(0, max(0, n), dtype=tf.int64) < (tf.range(0, max(0, n), dtype=tf.int64) + 1)[:, None]), L * x, 0), axis=1)
    return y
