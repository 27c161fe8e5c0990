# ruff: noqa (generated code, compared verbatim)
# mypy: ignore-errors
# rules: jax.max, jax.sum
# precondition: jax_enable_x64 is on (JAX otherwise computes 64-bit types in 32 bits)
import jax.numpy as jnp

def softmax_pieces(x, n):
    xmax = float(jnp.max(x[:n]))
    e = jnp.exp(x[:n] - xmax)
    z = float(jnp.sum(e))
    p = e / z
    return xmax, e, z, p
