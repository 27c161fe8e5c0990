# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: jax.clip
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def clamp(a, lo, hi, n):
    r = jnp.array(jnp.broadcast_to(jnp.clip(a[:n], lo, hi), (n,)))
    return r
