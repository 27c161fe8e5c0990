/* FIR filter over the valid part of the input:
 * y[i] = sum_k h[k] * x[i + ntaps - 1 - k], i = 0 .. n - ntaps. */

void fir_filter(int n, int ntaps, const float *x, const float *h, float *y)
{
    int i, k;
    for (i = 0; i < n - ntaps + 1; i++) {
        float acc = 0.0f;
        for (k = 0; k < ntaps; k++)
            acc += h[k] * x[i + ntaps - 1 - k];
        y[i] = acc;
    }
}
