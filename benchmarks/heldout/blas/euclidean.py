"""Euclidean distance between two points given as lists: sqrt(sum_i (p_i - q_i)^2)."""
import math


def euclidean_distance(p: list[float], q: list[float]) -> float:
    n = len(p)
    total = 0.0
    i = 0
    while i < n:
        d = p[i] - q[i]
        total += d * d
        i += 1
    return math.sqrt(total)
