// Matrix-vector product with a vector<vector<float>> matrix; the result is built with push_back.
#include <cstddef>
#include <vector>

std::vector<float> matvec(const std::vector<std::vector<float>> &M, const std::vector<float> &v)
{
    std::vector<float> result;
    for (std::size_t r = 0; r < M.size(); ++r) {
        float acc = 0.0f;
        for (std::size_t c = 0; c < v.size(); ++c) {
            acc += M[r][c] * v[c];
        }
        result.push_back(acc);
    }
    return result;
}
