import jax.numpy as jnp


def kernel(a, n):
    r = jnp.array(jnp.broadcast_to(jnp.maximum(a[:n], 0), (n,)))
    return r
