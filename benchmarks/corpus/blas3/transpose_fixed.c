/* Transpose of a fixed 8x16 tile: dst[j][i] = src[i][j]. */
#define ROWS 8
#define COLS 16

void transpose_tile(const int src[ROWS][COLS], int dst[COLS][ROWS])
{
    int i, j;
    for (i = 0; i < ROWS; i++)
        for (j = 0; j < COLS; j++)
            dst[j][i] = src[i][j];
}
