// axpby: returns alpha * x + beta * y as a new vector built with push_back.
#include <cstddef>
#include <vector>

std::vector<float> axpby(float alpha, const std::vector<float> &x,
                         float beta, const std::vector<float> &y)
{
    std::vector<float> out;
    out.reserve(x.size());
    for (std::size_t i = 0; i < x.size(); i++) {
        out.push_back(alpha * x[i] + beta * y[i]);
    }
    return out;
}
