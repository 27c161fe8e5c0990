import torch


def kernel(A, x, m, n):
    y = A @ x
    return y
