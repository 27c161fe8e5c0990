import torch


def kernel(a, n):
    s = int(torch.min(a[:n]))
    return s
