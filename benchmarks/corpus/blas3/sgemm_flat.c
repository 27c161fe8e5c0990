/* sgemm: C = A * B with A m-by-p, B p-by-n, C m-by-n, all row-major flat arrays. */

void sgemm(int m, int n, int p, const float *A, const float *B, float *C)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float acc = 0.0f;
            for (int k = 0; k < p; k++) {
                acc += A[i * p + k] * B[k * n + j];
            }
            C[i * n + j] = acc;
        }
    }
}
