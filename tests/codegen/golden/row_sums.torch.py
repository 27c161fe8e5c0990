# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def row_sums(A, m, n):
    r = torch.sum(A[:m, :n], dim=1)
    return r
