"""Matrix-vector product on a list of lists; rows are appended to the result."""


def matvec(matrix, vector):
    out = []
    for row in range(len(matrix)):
        acc = 0.0
        for col in range(len(vector)):
            acc += matrix[row][col] * vector[col]
        out.append(acc)
    return out
