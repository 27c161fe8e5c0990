/* Autocorrelation of one signal at a single lag L: r = sum_{i = 0}^{n-L-1} x[i] * x[i + L]. */

double autocorr_at(const double *x, int n, int lag)
{
    double r = 0.0;
    int i;
    for (i = lag; i < n; i++)
        r += x[i - lag] * x[i];
    return r;
}
