/* Batched small matrix multiply: for every batch b, C_b = A_b * B_b (each m-by-p times p-by-n). */

void batched_matmul(int batch, int m, int n, int p,
                    const float *A, const float *B, float *C)
{
    for (int b = 0; b < batch; b++) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0.0f;
                for (int k = 0; k < p; k++) {
                    acc += A[b * m * p + i * p + k] * B[b * p * n + k * n + j];
                }
                C[b * m * n + i * n + j] = acc;
            }
        }
    }
}
