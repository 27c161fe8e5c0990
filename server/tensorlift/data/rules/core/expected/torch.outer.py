import torch


def kernel(a, b, m, n):
    C = torch.outer(a[:m], b[:n])
    return C
