"""Largest magnitude in a list, using the built-ins max and abs."""


def max_abs(xs):
    m = 0.0
    for i in range(len(xs)):
        m = max(m, abs(xs[i]))
    return m
