# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import tensorflow as tf

def row_sums(A, m, n):
    r = tf.reduce_sum(A[:m, :n], axis=1)
    return r
