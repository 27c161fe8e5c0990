"""Dot product accumulated from the last element down to the first."""


def dot_backwards(a, b):
    n = len(a)
    acc = 0.0
    for i in range(n - 1, -1, -1):
        acc += a[i] * b[i]
    return acc
