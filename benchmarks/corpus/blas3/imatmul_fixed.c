/* Integer matrix multiply on fixed-size arrays: c = a * b, a is 8x4, b is 4x8. */
#define M 8
#define K 4

void imatmul_8x4x8(int a[M][K], int b[K][M], int c[M][M])
{
    int i, j, k;
    for (i = 0; i < M; i++) {
        for (j = 0; j < M; j++) {
            c[i][j] = 0;
            for (k = 0; k < K; k++) {
                c[i][j] += a[i][k] * b[k][j];
            }
        }
    }
}
