// LayerNorm statistics for one row: mean, then (biased) variance around that mean.
#include <vector>

void layernorm_stats(const std::vector<float> &x, float &mean, float &var)
{
    int n = static_cast<int>(x.size());
    float s = 0.0f;
    for (int i = 0; i < n; ++i)
        s += x[i];
    mean = s / n;

    float v = 0.0f;
    for (int i = 0; i < n; ++i) {
        float d = x[i] - mean;
        v += d * d;
    }
    var = v / n;
}
