"""Overlay blend: multiply in the shadows, screen in the highlights (chosen by the base)."""


def overlay(base, layer):
    result = []
    for i in range(len(base)):
        a = base[i]
        b = layer[i]
        if a < 0.5:
            v = 2.0 * a * b
        else:
            v = 1.0 - 2.0 * (1.0 - a) * (1.0 - b)
        result.append(v)
    return result
