/* sgemv (no transpose): y = A * x, A is m-by-n stored row-major in a flat array. */

void sgemv_n(int m, int n, const float *A, const float *x, float *y)
{
    int i, j;
    for (i = 0; i < m; i++) {
        float acc = 0.0f;
        for (j = 0; j < n; j++)
            acc += A[i * n + j] * x[j];
        y[i] = acc;
    }
}
