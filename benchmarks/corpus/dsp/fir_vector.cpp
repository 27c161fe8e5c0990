// FIR filter (valid part) on std::vector; taps applied newest-sample-first.
#include <cstddef>
#include <vector>

std::vector<float> fir(const std::vector<float> &x, const std::vector<float> &taps)
{
    std::size_t nt = taps.size();
    std::vector<float> y(x.size() - nt + 1);
    for (std::size_t i = 0; i < y.size(); ++i) {
        float acc = 0.0f;
        for (std::size_t k = 0; k < nt; ++k)
            acc += taps[k] * x[i + nt - 1 - k];
        y[i] = acc;
    }
    return y;
}
