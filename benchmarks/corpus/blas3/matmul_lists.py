"""Naive matrix multiplication of two lists of lists."""


def matmul(A, B):
    n_rows = len(A)
    n_inner = len(B)
    n_cols = len(B[0])
    C = []
    for i in range(n_rows):
        row = []
        for j in range(n_cols):
            s = 0
            for k in range(n_inner):
                s += A[i][k] * B[k][j]
            row.append(s)
        C.append(row)
    return C
