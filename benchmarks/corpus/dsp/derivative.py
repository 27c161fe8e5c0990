"""Finite-difference derivative of a uniformly sampled signal: (x[i+1] - x[i]) / dt."""


def derivative(x, dt):
    d = [0.0] * (len(x) - 1)
    for i in range(len(x) - 1):
        d[i] = (x[i + 1] - x[i]) / dt
    return d
