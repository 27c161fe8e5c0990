/* Threshold (keep values above t, zero the rest) with identity noise in both branches. */

void keep_above(int n, float t, const float *x, float *y)
{
    for (int i = 0; i < n; i++)
        y[i] = (x[i] > t) ? x[i] * 1.0f + 0.0f : 0.0f * x[i];
}
