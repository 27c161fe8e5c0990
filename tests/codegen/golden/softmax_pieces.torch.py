# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: torch.max, torch.sum
import torch

def softmax_pieces(x, n):
    xmax = float(torch.max(x[:n]))
    e = torch.exp(x[:n] - xmax)
    z = float(torch.sum(e))
    p = e / z
    return xmax, e, z, p
