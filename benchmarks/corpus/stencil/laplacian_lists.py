"""Five-point Laplacian of a grid given as a list of lists; boundary cells stay 0."""


def laplacian(grid):
    rows = len(grid)
    cols = len(grid[0])
    lap = [[0.0] * cols for _ in range(rows)]
    for i in range(1, rows - 1):
        for j in range(1, cols - 1):
            lap[i][j] = (grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1]
                         - 4 * grid[i][j])
    return lap
