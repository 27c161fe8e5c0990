import jax.numpy as jnp


def kernel(a, n):
    s = int(jnp.min(a[:n]))
    return s
