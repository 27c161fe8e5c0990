// Square every element of a vector in place.
#include <vector>

void square_inplace(std::vector<double> &v)
{
    for (auto i = 0u; i < v.size(); ++i)
        v[i] *= v[i];
}
