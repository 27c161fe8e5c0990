/* sdot: single-precision dot product of two vectors, sum_i x[i] * y[i]. */

float sdot(int n, const float *x, const float *y)
{
    float acc = 0.0f;
    for (int i = 0; i < n; ++i) {
        acc += x[i] * y[i];
    }
    return acc;
}
