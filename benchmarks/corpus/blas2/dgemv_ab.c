/* dgemv with scalars: y <- alpha * A * x + beta * y, A row-major m-by-n. */

void dgemv_scaled(int m, int n, double alpha, const double *a, const double *x,
                  double beta, double *y)
{
    int r, c;
    double dot;
    for (r = 0; r < m; r++) {
        dot = 0.0;
        for (c = 0; c < n; c++) {
            dot += a[r * n + c] * x[c];
        }
        y[r] = alpha * dot + beta * y[r];
    }
}
