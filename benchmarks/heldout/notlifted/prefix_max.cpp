// Running maximum (an inclusive max-scan): out[i] = max(x[0], ..., x[i]).
#include <algorithm>
#include <vector>

std::vector<double> running_max(const std::vector<double> &x)
{
    std::vector<double> out(x.size());
    if (x.empty())
        return out;
    out[0] = x[0];
    for (std::size_t i = 1; i < x.size(); ++i)
        out[i] = std::max(out[i - 1], x[i]);
    return out;
}
