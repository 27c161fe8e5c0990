import mlx.core as mx


def kernel(x, n):
    y = mx.array(mx.broadcast_to(mx.maximum(x[:n], 0), (n,)))
    return y
