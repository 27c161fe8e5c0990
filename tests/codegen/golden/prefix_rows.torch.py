# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def prefix_rows(a, n):
    r = torch.sum(torch.where(torch.logical_and(torch.arange(0, max(0, n)) >= 0, torch.arange(0, max(0, n)) < (torch.arange(0, max(0, n)) + 1)[:, None]), a, 0), dim=1)
    return r
