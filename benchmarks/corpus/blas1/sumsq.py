"""Sum of squares of a vector, e.g. the squared norm used before a sqrt."""


def sum_of_squares(v):
    s = 0.0
    for i in range(len(v)):
        x = v[i]
        s += x * x
    return s
