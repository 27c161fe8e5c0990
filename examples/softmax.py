"""Example: softmax written as three loops.

A function can contain several loops that feed each other. Here tensorlift
lifts each one separately -- the maximum, the shifted exponentials with their
sum, and the normalisation -- and shows one proof per loop.

    tensorlift lift examples/softmax.py
"""
import math


def softmax(scores):
    n = len(scores)
    biggest = scores[0]
    for i in range(1, n):
        if scores[i] > biggest:
            biggest = scores[i]

    exps = [0.0] * n
    total = 0.0
    for i in range(n):
        exps[i] = math.exp(scores[i] - biggest)
        total += exps[i]

    probs = [0.0] * n
    for i in range(n):
        probs[i] = exps[i] / total
    return probs
