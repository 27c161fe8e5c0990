"""Pick from a where mask is set, otherwise from b (like np.where, written as a loop)."""


def select(mask, a, b):
    out = []
    for i in range(len(mask)):
        if mask[i] > 0:
            out.append(a[i])
        else:
            out.append(b[i])
    return out
