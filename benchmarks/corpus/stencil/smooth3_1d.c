/* 1-D three-point smoothing stencil over the interior points:
 * out[i] = 0.25 * in[i-1] + 0.5 * in[i] + 0.25 * in[i+1], i = 1 .. n-2. */

void smooth3(int n, const double *in, double *out)
{
    for (int i = 1; i < n - 1; i++)
        out[i] = 0.25 * in[i - 1] + 0.5 * in[i] + 0.25 * in[i + 1];
}
