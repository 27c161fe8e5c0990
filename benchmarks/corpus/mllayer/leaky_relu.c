/* Leaky ReLU: y = x for x >= 0, slope * x otherwise. */

void leaky_relu(int n, float slope, const float *x, float *y)
{
    int i;
    for (i = 0; i < n; i++) {
        if (x[i] >= 0.0f)
            y[i] = x[i];
        else
            y[i] = slope * x[i];
    }
}
