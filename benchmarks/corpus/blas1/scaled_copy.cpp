// Scaled copy: r = a * x into a freshly sized vector.
#include <cstddef>
#include <vector>

std::vector<float> scaled_copy(const std::vector<float> &x, float a)
{
    std::vector<float> r(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        r[i] = a * x[i];
    return r;
}
