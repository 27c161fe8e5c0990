"""Multiply blend of two images stored as lists of rows (normalised floats)."""


def multiply(base, layer):
    height = len(base)
    width = len(base[0])
    out = []
    for y in range(height):
        row = []
        for x in range(width):
            row.append(base[y][x] * layer[y][x])
        out.append(row)
    return out
