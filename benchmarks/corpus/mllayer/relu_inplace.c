/* ReLU activation applied in place to a float buffer. */

void relu_inplace(float *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
