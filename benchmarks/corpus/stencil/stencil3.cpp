// Weighted three-point stencil on a std::vector, interior points only; endpoints left as given.
#include <vector>

void stencil3(const std::vector<float> &a, std::vector<float> &b, float wl, float wc, float wr)
{
    int n = static_cast<int>(a.size());
    for (int i = 1; i < n - 1; ++i) {
        b[i] = wl * a[i - 1] + wc * a[i] + wr * a[i + 1];
    }
}
