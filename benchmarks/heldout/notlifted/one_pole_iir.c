/* One-pole low-pass IIR filter: y[i] = a*x[i] + (1 - a)*y[i-1], starting from y[-1] = 0. */

void one_pole_lowpass(int n, float a, const float *x, float *y)
{
    float prev = 0.0f;
    for (int i = 0; i < n; i++) {
        prev = a * x[i] + (1.0f - a) * prev;
        y[i] = prev;
    }
}
