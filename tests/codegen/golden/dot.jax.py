# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: jax.dot
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def dot(a, b, alpha, n):
    s = float(alpha * jnp.dot(a[:n], b[:n]))
    return s
