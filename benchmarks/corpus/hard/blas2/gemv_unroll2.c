/* Matrix-vector product with the inner loop manually unrolled by two (n must be even). */

void gemv_unrolled(int m, int n, const float *A, const float *x, float *y)
{
    for (int i = 0; i < m; i++) {
        float acc = 0.0f;
        for (int j = 0; j < n; j += 2) {
            acc += A[i * n + j] * x[j];
            acc += A[i * n + j + 1] * x[j + 1];
        }
        y[i] = acc;
    }
}
