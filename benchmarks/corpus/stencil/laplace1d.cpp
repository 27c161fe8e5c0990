// Second difference (1-D Laplacian) scaled by 1/h^2, interior only.
void second_difference(int n, double inv_h2, const double *f, double *d2f)
{
    for (int i = 1; i < n - 1; ++i) {
        double lap = f[i + 1] - 2.0 * f[i] + f[i - 1];
        d2f[i] = inv_h2 * lap;
    }
}
