"""Cosine similarity of two vectors: <u, v> / (|u| |v|), the three sums gathered in one pass."""
import math


def cosine_similarity(u, v):
    dot = 0.0
    uu = 0.0
    vv = 0.0
    for a, b in zip(u, v):
        dot += a * b
        uu += a * a
        vv += b * b
    return dot / math.sqrt(uu * vv)
