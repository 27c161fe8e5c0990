"""Softmax denominator of a NumPy row, shifted by a known maximum, with the max found by if."""
import math


def softmax_denominator(z):
    m = z[0]
    for i in range(len(z)):
        if z[i] > m:
            m = z[i]
    total = 0.0
    for i in range(len(z)):
        total += math.exp(z[i] - m)
    return total
