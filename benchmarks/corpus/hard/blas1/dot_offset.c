/* Lag-one product sum: sum_{i < n-1} a[i + 1] * b[i] (autocovariance-style shifted dot). */

double shifted_dot(int n, const double *a, const double *b)
{
    double s = 0.0;
    for (int i = 0; i < n - 1; ++i)
        s += a[i + 1] * b[i];
    return s;
}
