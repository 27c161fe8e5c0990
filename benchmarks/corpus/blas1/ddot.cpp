// Dot product of two equally long std::vector<double>.
#include <cstddef>
#include <vector>

double dot(const std::vector<double> &a, const std::vector<double> &b)
{
    double result = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        result += a[i] * b[i];
    }
    return result;
}
