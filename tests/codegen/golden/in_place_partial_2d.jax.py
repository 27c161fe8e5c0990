# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def in_place_partial_2d(A, B, m, n):
    B = B.at[1:m, :n].set(B[1:m, :n] * 2 + A[:n, 1:m].T)
    return B
