/* Upper-triangular matrix times vector on a fixed 8x8 block: y = U x, using only j >= i. */
#define N 8

void trmv_upper8(const float U[N][N], const float x[N], float y[N])
{
    int i, j;
    for (i = 0; i < N; i++) {
        float t = 0.0f;
        for (j = i; j < N; j++) {
            t += U[i][j] * x[j];
        }
        y[i] = t;
    }
}
