/* ReLU via multiplication by the comparison result: y = x * (x > 0). */

void relu_mask_mul(int n, const float *x, float *y)
{
    for (int i = 0; i < n; i++)
        y[i] = x[i] * (x[i] > 0.0f);
}
