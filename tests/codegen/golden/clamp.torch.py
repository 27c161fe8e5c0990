# rules: torch.clip
import torch

def clamp(a, lo, hi, n):
    r = torch.clone(torch.broadcast_to(torch.clamp(a[:n], lo, hi), (n,)))
    return r
