# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def lower_triangular_mv(L, x, n):
    y = torch.sum(torch.where(torch.logical_and(torch.arange(0, max(0, n)) >= 0, torch.arange(0, max(0, n)) < (torch.arange(0, max(0, n)) + 1)[:, None]), L * x, 0), dim=1)
    return y
