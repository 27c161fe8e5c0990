// Row-wise maximum of a score matrix (the first pass of a row softmax).
#include <vector>

std::vector<float> row_max(const std::vector<std::vector<float>> &S)
{
    std::vector<float> m(S.size());
    for (std::size_t r = 0; r < S.size(); ++r) {
        float best = S[r][0];
        for (std::size_t c = 1; c < S[r].size(); ++c)
            best = S[r][c] > best ? S[r][c] : best;
        m[r] = best;
    }
    return m;
}
