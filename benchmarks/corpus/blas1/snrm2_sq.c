/* Squared Euclidean norm ||x||^2, the part of nrm2 before the square root. */

float snrm2_squared(int n, const float *x)
{
    float ssq = 0.0f;
    for (int i = 0; i < n; i++) {
        float v = x[i];
        ssq += v * v;
    }
    return ssq;
}
