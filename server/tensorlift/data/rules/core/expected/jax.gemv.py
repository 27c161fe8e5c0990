import jax.numpy as jnp


def kernel(A, x, m, n):
    y = A @ x
    return y
