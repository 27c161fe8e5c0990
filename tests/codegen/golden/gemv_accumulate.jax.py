# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: (fallback)
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def gemv_accumulate(A, x, y, m, n):
    y = y.at[:m].set(y[:m] + jnp.einsum("ab,b->a", A[:m, :n], x[:n]))
    return y
