"""Product of all elements (e.g. the likelihood of independent events)."""


def product(p):
    result = 1.0
    for i in range(len(p)):
        result *= p[i]
    return result
