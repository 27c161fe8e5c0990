// Average blend of two 8-bit images stored as std::vector<int>: (a + b) / 2.
#include <vector>

std::vector<int> blend_average(const std::vector<int> &a, const std::vector<int> &b)
{
    std::vector<int> out(a.size());
    for (int i = 0; i < (int)a.size(); ++i)
        out[i] = (a[i] + b[i]) / 2;
    return out;
}
