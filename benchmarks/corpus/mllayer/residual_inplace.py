"""Residual add in place: hidden += skip."""


def add_residual(hidden, skip):
    for i in range(len(hidden)):
        hidden[i] += skip[i]
    return hidden
