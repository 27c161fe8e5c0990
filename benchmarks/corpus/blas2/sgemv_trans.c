/* sgemv (transpose): y = A^T * x for an m-by-n row-major A, so y has n entries. */

void sgemv_t(int m, int n, const float *A, const float *x, float *y)
{
    for (int col = 0; col < n; ++col) {
        float s = 0.0f;
        for (int row = 0; row < m; ++row) {
            s += A[col + row * n] * x[row];
        }
        y[col] = s;
    }
}
