// Gain followed by saturation to [lo, hi] using std::min / std::max.
#include <algorithm>

void gain_saturate(int n, const float *in, float *out, float gain, float lo, float hi)
{
    for (int i = 0; i < n; ++i) {
        out[i] = std::min(hi, std::max(lo, in[i] * gain));
    }
}
