import torch


def kernel(x, n):
    y = torch.clone(torch.broadcast_to(torch.clamp(x[:n], min=0), (n,)))
    return y
