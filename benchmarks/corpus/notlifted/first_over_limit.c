/* Accumulate samples, stopping early at the first one over the limit (loop with break). */

float sum_below_limit(int n, const float *x, float limit)
{
    float s = 0.0f;
    for (int i = 0; i < n; i++) {
        if (x[i] > limit)
            break;
        s += x[i];
    }
    return s;
}
