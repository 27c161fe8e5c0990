"""Screen blend on normalised float pixels: 1 - (1 - a) * (1 - b)."""


def screen(base, layer):
    out = [0.0] * len(base)
    for i in range(len(base)):
        out[i] = 1.0 - (1.0 - base[i]) * (1.0 - layer[i])
    return out
