/* Screen blend written in its expanded form a + b - a*b (equal to 1 - (1-a)(1-b)). */

void screen_expanded(int n, const float *a, const float *b, float *out)
{
    for (int i = 0; i < n; i++) {
        float sum = a[i] + b[i];
        float prod = a[i] * b[i];
        out[i] = sum - prod;
    }
}
