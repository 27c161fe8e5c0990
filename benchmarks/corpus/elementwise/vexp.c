/* Element-wise exponential, e.g. to turn log-probabilities back into probabilities. */
#include <math.h>

void vexp(int n, const float *logp, float *p)
{
    int i;
    for (i = 0; i < n; ++i) {
        p[i] = expf(logp[i]);
    }
}
