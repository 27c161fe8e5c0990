"""Dot product whose product and accumulation are spread over several temporaries."""


def dot(a, b):
    s = 0.0
    for i in range(len(a)):
        t = a[i]
        t = t * b[i]
        u = s + t
        s = u
    return s
