// Smallest element of a non-empty vector, seeded with the first element.
#include <vector>

int smallest(const std::vector<int> &v)
{
    int m = v[0];
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i] < m)
            m = v[i];
    }
    return m;
}
