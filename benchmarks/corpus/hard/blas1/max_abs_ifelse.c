/* Largest magnitude, with the absolute value taken by an if/else on the sign. */

float max_magnitude(int n, const float *x)
{
    float best = 0.0f;
    for (int i = 0; i < n; i++) {
        float a;
        if (x[i] < 0.0f)
            a = -x[i];
        else
            a = x[i];
        if (best < a)
            best = a;
    }
    return best;
}
