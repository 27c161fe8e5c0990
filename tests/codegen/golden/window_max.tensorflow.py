# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def window_max(a, n, w):
    r = tf.reduce_max(tf.where(tf.logical_and(tf.range(0, max(0, n + w - 1), dtype=tf.int64) >= tf.range(0, max(0, n), dtype=tf.int64)[:, None], tf.range(0, max(0, n + w - 1), dtype=tf.int64) < (tf.range(0, max(0, n), dtype=tf.int64) + w)[:, None]), a[:max(n + w - 1, 0)], -float("inf")), axis=1)
    return r
