/* Cross-correlation for non-negative lags: r[lag] = sum_{i < n - lag} x[i] * y[i + lag]. */

void xcorr(int n, int maxlag, const float *x, const float *y, float *r)
{
    int lag, i;
    for (lag = 0; lag < maxlag; lag++) {
        float acc = 0.0f;
        for (i = 0; i < n - lag; i++) {
            acc += x[i] * y[i + lag];
        }
        r[lag] = acc;
    }
}
