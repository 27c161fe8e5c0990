"""Layer normalisation of one feature vector: mean, variance, normalise with gain and shift."""
import math


def layer_norm(x, gamma, beta, eps=1e-5):
    n = len(x)
    mean = 0.0
    for i in range(n):
        mean += x[i]
    mean = mean / n
    var = 0.0
    for i in range(n):
        var += (x[i] - mean) * (x[i] - mean)
    var = var / n
    denom = math.sqrt(var + eps)
    y = [0.0] * n
    for i in range(n):
        y[i] = gamma[i] * (x[i] - mean) / denom + beta[i]
    return y
