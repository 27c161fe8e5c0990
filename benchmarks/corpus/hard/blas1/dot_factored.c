/* Weighted difference: sum_i (a[i] * w - b[i] * w), i.e. w * (sum a - sum b), written term by term. */

float weighted_difference(int n, float w, const float *a, const float *b)
{
    float acc = 0.0f;
    for (int i = 0; i < n; i++)
        acc += a[i] * w - b[i] * w;
    return acc;
}
