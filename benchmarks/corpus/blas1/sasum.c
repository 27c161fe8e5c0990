/* sasum: sum of absolute values of a vector (BLAS asum, unit stride). */
#include <math.h>

float sasum(int n, const float *x)
{
    float total = 0.0f;
    int i;
    for (i = 0; i <= n - 1; i++) {
        total = total + fabsf(x[i]);
    }
    return total;
}
