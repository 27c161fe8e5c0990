// Difference blend on normalised float pixels: |base - layer|.
#include <cmath>

void blend_difference(int n, const float *base, const float *layer, float *out)
{
    for (int i = 0; i < n; i++) {
        out[i] = std::fabs(base[i] - layer[i]);
    }
}
