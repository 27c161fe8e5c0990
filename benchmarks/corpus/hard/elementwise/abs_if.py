"""Absolute value by negating negative entries, in place."""


def make_positive(v):
    for i in range(len(v)):
        if v[i] < 0:
            v[i] = -v[i]
    return v
