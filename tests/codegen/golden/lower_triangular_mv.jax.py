# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def lower_triangular_mv(L, x, n):
    y = jnp.sum(jnp.where(jnp.logical_and(jnp.arange(0, n) >= 0, jnp.arange(0, n) < (jnp.arange(0, n) + 1)[:, None]), L * x, 0), axis=1)
    return y
