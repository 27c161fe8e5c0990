// Boxcar (moving-average) smoothing of a signal; output built with push_back.
#include <vector>

std::vector<double> boxcar(const std::vector<double> &sig, int width)
{
    std::vector<double> out;
    int n = static_cast<int>(sig.size());
    for (int start = 0; start <= n - width; ++start) {
        double total = 0.0;
        for (int k = 0; k < width; ++k)
            total += sig[start + k];
        out.push_back(total / width);
    }
    return out;
}
