/* RMSNorm: out = x * weight / sqrt(mean(x^2) + eps).
 * Two loop nests: sum of squares, then scaling by the common factor. */
#include <math.h>

void rmsnorm(int n, const float *x, const float *weight, float eps, float *out)
{
    float ss = 0.0f;
    for (int i = 0; i < n; i++)
        ss += x[i] * x[i];
    float inv = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++)
        out[i] = x[i] * inv * weight[i];
}
