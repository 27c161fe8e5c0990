// Column-major matrix-vector product y = A x with leading dimension lda (Fortran layout).
void gemv_colmajor(int m, int n, const float *A, int lda, const float *x, float *y)
{
    for (int i = 0; i < m; ++i) {
        float s = 0.0f;
        for (int j = 0; j < n; ++j)
            s += A[i + j * lda] * x[j];
        y[i] = s;
    }
}
