# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: torch.dot
import torch

def dot(a, b, alpha, n):
    s = float(alpha * torch.dot(a[:n], b[:n]))
    return s
