/* Discrete Laplacian on the interior of a fixed 16x16 grid:
 * L = g[i-1][j] + g[i+1][j] + g[i][j-1] + g[i][j+1] - 4 g[i][j]. */
#define N 16

void laplacian16(const float g[N][N], float L[N][N])
{
    for (int i = 1; i < N - 1; i++) {
        for (int j = 1; j < N - 1; j++) {
            L[i][j] = g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1] - 4.0f * g[i][j];
        }
    }
}
