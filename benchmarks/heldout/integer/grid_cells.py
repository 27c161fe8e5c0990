"""Grid cell of signed integer coordinates with Python's flooring // and %: cell = (x - origin) // size, offset = (x - origin) % size."""


def grid_cells(xs, origin, size):
    cells = []
    offsets = []
    for x in xs:
        rel = x - origin
        cells.append(rel // size)
        offsets.append(rel % size)
    return cells, offsets
