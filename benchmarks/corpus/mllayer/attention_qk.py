"""Attention logits Q K^T / sqrt(d) for NumPy query and key matrices."""
import math

import numpy as np


def attention_logits(Q, K):
    nq, d = Q.shape
    nk = K.shape[0]
    scale = 1.0 / math.sqrt(d)
    S = np.zeros((nq, nk))
    for i in range(nq):
        for j in range(nk):
            acc = 0.0
            for t in range(d):
                acc += Q[i, t] * K[j, t]
            S[i, j] = acc * scale
    return S
