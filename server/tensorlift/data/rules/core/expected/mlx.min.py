import mlx.core as mx


def kernel(a, n):
    s = int(mx.min(a[:n]))
    return s
