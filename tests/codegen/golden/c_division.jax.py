# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def c_division(a, b, n):
    q = jnp.sign(a[:n]) * jnp.sign(b[:n]) * (jnp.abs(a[:n]) // jnp.abs(b[:n])) * 100 + jnp.fmod(a[:n], b[:n])
    return q
