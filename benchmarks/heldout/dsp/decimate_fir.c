/* Decimating FIR filter: y[k] = sum_{t < ntaps} h[t] * x[k*factor + t], for k < nout. */

void fir_decimate(const float *x, const float *h, float *y, int nout, int ntaps, int factor)
{
    int k, t;
    for (k = 0; k < nout; k++) {
        const float *xk = &x[k * factor];
        float acc = 0.0f;
        for (t = 0; t < ntaps; t++)
            acc += h[t] * xk[t];
        y[k] = acc;
    }
}
