/* dgemm: C <- alpha * A * B + beta * C (row-major, square n-by-n). */

void dgemm_ab(int n, double alpha, const double *a, const double *b, double beta, double *c)
{
    int i, j, k;
    for (i = 0; i < n; ++i) {
        for (j = 0; j < n; ++j) {
            double t = 0.0;
            for (k = 0; k < n; ++k)
                t += a[i * n + k] * b[k * n + j];
            c[i * n + j] = alpha * t + beta * c[i * n + j];
        }
    }
}
