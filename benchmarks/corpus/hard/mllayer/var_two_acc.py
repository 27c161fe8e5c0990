"""Variance from one pass with two accumulators, sum and sum of squares: E[x^2] - E[x]^2."""


def variance_one_pass(x):
    n = len(x)
    s = 0.0
    ss = 0.0
    for i in range(n):
        s += x[i]
        ss += x[i] * x[i]
    mean = s / n
    return ss / n - mean * mean
