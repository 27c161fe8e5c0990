/* Integer matrix-vector product with the matrix given as an array of row pointers (int **). */

void imatvec(int rows, int cols, int **mat, const int *vec, int *out)
{
    for (int i = 0; i < rows; i++) {
        int sum = 0;
        for (int j = 0; j < cols; j++)
            sum += mat[i][j] * vec[j];
        out[i] = sum;
    }
}
