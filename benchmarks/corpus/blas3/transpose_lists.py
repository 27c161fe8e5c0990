"""Transpose of a rectangular list-of-lists matrix."""


def transpose(mat):
    rows = len(mat)
    cols = len(mat[0])
    result = []
    for c in range(cols):
        new_row = []
        for r in range(rows):
            new_row.append(mat[r][c])
        result.append(new_row)
    return result
