// C = A * B^T, where B is given row-major (so both operands are read along rows).
void matmul_bt(int m, int n, int k, const float *A, const float *B, float *C)
{
    for (int i = 0; i < m; ++i) {
        const float *arow = A + i * k;
        for (int j = 0; j < n; ++j) {
            const float *brow = B + j * k;
            float acc = 0.0f;
            for (int p = 0; p < k; ++p) {
                float prod = arow[p] * brow[p];
                acc += prod;
            }
            C[i * n + j] = acc;
        }
    }
}
