# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def gather_toeplitz(a, m, n):
    T = a[torch.arange(0, max(0, m))[:, None] + torch.arange(0, max(0, n))]
    return T
