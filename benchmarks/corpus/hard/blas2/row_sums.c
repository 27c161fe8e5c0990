/* Row sums of a row-major rows-by-cols matrix. */

void row_sums(int rows, int cols, const float *M, float *sums)
{
    int r, c;
    for (r = 0; r < rows; r++) {
        sums[r] = 0.0f;
        for (c = 0; c < cols; c++)
            sums[r] += M[r * cols + c];
    }
}
