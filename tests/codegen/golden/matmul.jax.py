# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: jax.matmul
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def matmul(A, B, m, n, p):
    C = A @ B
    return C
