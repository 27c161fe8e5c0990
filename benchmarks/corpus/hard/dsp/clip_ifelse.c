/* Hard limiter: samples below lo become lo, above hi become hi (if / else-if chain). */

void hard_limit(int n, const float *in, float *out, float lo, float hi)
{
    for (int i = 0; i < n; i++) {
        float x = in[i];
        if (x < lo)
            x = lo;
        else if (x > hi)
            x = hi;
        out[i] = x;
    }
}
