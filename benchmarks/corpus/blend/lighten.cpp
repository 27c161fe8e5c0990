// Lighten blend: per-pixel maximum of two grayscale images (vector<vector<float>>).
#include <algorithm>
#include <cstddef>
#include <vector>

using Image = std::vector<std::vector<float>>;

void blend_lighten(const Image &base, const Image &layer, Image &out)
{
    for (std::size_t y = 0; y < base.size(); ++y)
        for (std::size_t x = 0; x < base[y].size(); ++x)
            out[y][x] = std::max(base[y][x], layer[y][x]);
}
