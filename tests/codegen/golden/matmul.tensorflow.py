# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: tensorflow.matmul
import tensorflow as tf

def matmul(A, B, m, n, p):
    C = tf.linalg.matmul(A, B)
    return C
