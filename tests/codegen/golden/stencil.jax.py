# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def stencil(a, o, n):
    o = o.at[1:max(n - 1, 0)].set(a[:max(n - 2, 0)] + a[1:max(n - 1, 0)] * 2.0 + a[2:])
    return o
