/* Fused multiply-add per element: d = a * b + c. */

void vfma(int n, const double *a, const double *b, const double *c, double *d)
{
    int k = 0;
    for (k = 0; k < n; k++)
        d[k] = a[k] * b[k] + c[k];
}
