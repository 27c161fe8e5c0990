/* Element-wise square root of a non-negative float array. */
#include <math.h>

void vsqrt(int n, const float *x, float *y)
{
    for (int i = 0; i < n; i++)
        y[i] = sqrtf(x[i]);
}
