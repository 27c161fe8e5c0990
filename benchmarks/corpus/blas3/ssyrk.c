/* ssyrk-like Gram product: C = A * A^T for an n-by-k row-major A (full C computed). */

void ssyrk_full(int n, int k, const float *A, float *C)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            float s = 0.0f;
            for (int l = 0; l < k; l++)
                s += A[i * k + l] * A[j * k + l];
            C[i * n + j] = s;
        }
    }
}
