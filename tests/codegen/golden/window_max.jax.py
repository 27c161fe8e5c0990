# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def window_max(a, n, w):
    r = jnp.max(jnp.where(jnp.logical_and(jnp.arange(0, n + w - 1) >= jnp.arange(0, n)[:, None], jnp.arange(0, n + w - 1) < (jnp.arange(0, n) + w)[:, None]), a[:max(n + w - 1, 0)], -float("inf")), axis=1)
    return r
