# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def window_max(a, n, w):
    r = torch.amax(torch.where(torch.logical_and(torch.arange(0, max(0, n + w - 1)) >= torch.arange(0, max(0, n))[:, None], torch.arange(0, max(0, n + w - 1)) < (torch.arange(0, max(0, n)) + w)[:, None]), a[:max(n + w - 1, 0)], -float("inf")), dim=1)
    return r
