# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: mlx.clip
import mlx.core as mx

def clamp(a, lo, hi, n):
    r = mx.array(mx.broadcast_to(mx.clip(a[:n], lo, hi), (n,)))
    return r
