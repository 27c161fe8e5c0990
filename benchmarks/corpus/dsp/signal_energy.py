"""Mean power of a signal: sum of squares divided by the number of samples."""


def mean_power(x):
    n = len(x)
    energy = 0.0
    for i in range(n):
        energy += x[i] ** 2
    return energy / n
