"""Mean cross-entropy of given class probabilities against target distributions: -(1/N) sum_n sum_c t[n][c] * log p[n][c]."""
import math


def cross_entropy(probs, targets):
    loss = 0.0
    for p_row, t_row in zip(probs, targets):
        for p, t in zip(p_row, t_row):
            loss -= t * math.log(p)
    return loss / len(probs)
