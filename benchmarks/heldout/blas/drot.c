/* Givens plane rotation applied in place: (x_i, y_i) <- (c*x_i + s*y_i, c*y_i - s*x_i) for every i. */

void drot(int n, double *x, double *y, double c, double s)
{
    int i;
    double xi, yi;
    for (i = 0; i < n; ++i) {
        xi = x[i];
        yi = y[i];
        x[i] = c * xi + s * yi;
        y[i] = c * yi - s * xi;
    }
}
