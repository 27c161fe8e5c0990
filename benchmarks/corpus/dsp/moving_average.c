/* Moving average with a window of w samples: avg[i] = (x[i] + ... + x[i + w - 1]) / w. */

void moving_average(int n, int w, const float *x, float *avg)
{
    for (int i = 0; i + w <= n; i++) {
        float s = 0.0f;
        for (int k = 0; k < w; k++)
            s += x[i + k];
        avg[i] = s / (float)w;
    }
}
