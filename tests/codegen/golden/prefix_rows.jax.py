# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def prefix_rows(a, n):
    r = jnp.sum(jnp.where(jnp.logical_and(jnp.arange(0, n) >= 0, jnp.arange(0, n) < (jnp.arange(0, n) + 1)[:, None]), a, 0), axis=1)
    return r
