// Difference blend on 8-bit values: the larger minus the smaller, via if/else.
#include <vector>

std::vector<int> abs_difference(const std::vector<int> &a, const std::vector<int> &b)
{
    std::vector<int> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] > b[i])
            d[i] = a[i] - b[i];
        else
            d[i] = b[i] - a[i];
    }
    return d;
}
