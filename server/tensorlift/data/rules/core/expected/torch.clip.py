import torch


def kernel(a, lo, hi, n):
    r = torch.clone(torch.broadcast_to(torch.clamp(a[:n], lo, hi), (n,)))
    return r
