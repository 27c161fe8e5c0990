import mlx.core as mx


def kernel(A, x, m, n):
    y = A @ x
    return y
