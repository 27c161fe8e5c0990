# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def strided_reversed(a, o, n):
    o[:2 * n:2] = torch.flip(a[:n], (0,))
    return o
