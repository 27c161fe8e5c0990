import jax.numpy as jnp


def kernel(x, n):
    y = jnp.array(jnp.broadcast_to(jnp.maximum(x[:n], 0), (n,)))
    return y
