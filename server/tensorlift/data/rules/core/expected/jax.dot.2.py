import jax.numpy as jnp


def kernel(a, b, n, alpha):
    s = int(alpha * jnp.dot(a[:n], b[:n]))
    return s
