import torch


def kernel(x, y, alpha, n):
    y[:n] += (alpha * x[:n])
    return y
