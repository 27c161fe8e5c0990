import torch


def kernel(a, n):
    r = torch.clone(torch.broadcast_to(torch.clamp(a[:n], min=0), (n,)))
    return r
