# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
import torch

def c_division(a, b, n):
    q = torch.div(a[:n], b[:n], rounding_mode="trunc") * 100 + torch.fmod(a[:n], b[:n])
    return q
