"""Alpha blend written as a linear interpolation: base + alpha * (top - base)."""


def lerp_blend(base, top, alpha):
    out = []
    for i in range(len(base)):
        out.append(base[i] + alpha * (top[i] - base[i]))
    return out
