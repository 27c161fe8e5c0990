# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def strided_reversed(a, o, n):
    o = o.at[:2 * n:2].set(a[:n][::-1])
    return o
