"""Element-wise sum of two lists."""


def add(a, b):
    c = []
    for i in range(len(a)):
        c.append(a[i] + b[i])
    return c
