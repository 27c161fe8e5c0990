"""y <- alpha * A x + beta * y for a NumPy matrix A, updating y in place."""


def gemv(alpha, A, x, beta, y):
    rows = A.shape[0]
    cols = A.shape[1]
    for i in range(rows):
        t = 0.0
        for j in range(cols):
            t = t + A[i][j] * x[j]
        y[i] = alpha * t + beta * y[i]
