# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def python_division(a, b, n):
    q = a[:n] // b[:n] * 100 + a[:n] % b[:n]
    return q
