# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: torch.gemv-accumulate
import torch

def gemv_accumulate(A, x, y, m, n):
    y[:m] += A[:m, :n] @ x[:n]
    return y
