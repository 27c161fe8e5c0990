/* Cache-friendly i-k-j matrix multiply: each row of C is zeroed and then accumulated. */
#define N 8

void matmul_ikj(const double A[N][N], const double B[N][N], double C[N][N])
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            C[i][j] = 0.0;
        for (int k = 0; k < N; k++) {
            double aik = A[i][k];
            for (int j = 0; j < N; j++)
                C[i][j] += aik * B[k][j];
        }
    }
}
