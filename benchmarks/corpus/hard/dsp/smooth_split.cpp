// Four-tap moving sum split into two partial sums per output, combined before storing.
void moving_sum4(int n, const float *x, float *y)
{
    for (int i = 0; i + 3 < n; ++i) {
        float left = x[i] + x[i + 1];
        float right = x[i + 2];
        right += x[i + 3];
        y[i] = left + right;
    }
}
