# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def elementwise_float(a, b, n):
    r = (a[:n] + b[:n] * 2.0 - a[:n] / (jnp.abs(b[:n]) + 1.0)) * -a[:n]
    return r
