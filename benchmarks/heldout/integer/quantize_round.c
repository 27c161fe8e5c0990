/* Quantise non-negative reals to integer levels: q[i] = (int)(x[i] / step + 0.5), i.e. round half up by truncation. */

void quantize_round(int n, const float *x, float step, int *q)
{
    const float inv = 1.0f / step;
    for (int i = 0; i < n; i++) {
        float scaled = x[i] * inv + 0.5f;
        q[i] = (int)scaled;
    }
}
