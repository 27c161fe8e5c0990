"""Sum of absolute values (L1 norm) of a list."""


def l1_norm(values):
    acc = 0.0
    n = len(values)
    for i in range(0, n):
        acc = acc + abs(values[i])
    return acc
