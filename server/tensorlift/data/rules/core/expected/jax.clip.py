import jax.numpy as jnp


def kernel(a, lo, hi, n):
    r = jnp.array(jnp.broadcast_to(jnp.clip(a[:n], lo, hi), (n,)))
    return r
