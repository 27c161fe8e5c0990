// Clamp activation (hardtanh / ReLU6 style): y = min(max(x, lo), hi).
#include <algorithm>
#include <vector>

void clamp_activation(std::vector<float> &x, float lo, float hi)
{
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = std::min(std::max(x[i], lo), hi);
}
