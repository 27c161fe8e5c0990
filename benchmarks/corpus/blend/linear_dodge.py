"""Linear dodge (add) with clamping at white, on normalised floats."""


def linear_dodge(base, layer):
    out = []
    for i in range(len(base)):
        out.append(min(base[i] + layer[i], 1.0))
    return out
