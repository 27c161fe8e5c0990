# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def gather_toeplitz(a, m, n):
    T = a[jnp.arange(0, m)[:, None] + jnp.arange(0, n)]
    return T
