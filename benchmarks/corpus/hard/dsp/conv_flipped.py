"""True convolution (kernel flipped) over the valid region, indexing the kernel from its end."""


def convolve_valid(x, h):
    k = len(h)
    y = [0.0] * (len(x) - k + 1)
    for i in range(len(y)):
        acc = 0.0
        for j in range(k):
            acc += x[i + j] * h[k - 1 - j]
        y[i] = acc
    return y
