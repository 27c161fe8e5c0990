// Fully connected layer y = W x + b with W stored as out_dim rows of in_dim weights.
#include <vector>

std::vector<float> dense(const std::vector<std::vector<float>> &W,
                         const std::vector<float> &x, const std::vector<float> &b)
{
    std::vector<float> y;
    for (std::size_t o = 0; o < W.size(); ++o) {
        float acc = b[o];
        for (std::size_t i = 0; i < x.size(); ++i)
            acc += W[o][i] * x[i];
        y.push_back(acc);
    }
    return y;
}
