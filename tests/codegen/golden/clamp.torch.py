# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: torch.clip
import torch

def clamp(a, lo, hi, n):
    r = torch.clone(torch.broadcast_to(torch.clamp(a[:n], lo, hi), (n,)))
    return r
