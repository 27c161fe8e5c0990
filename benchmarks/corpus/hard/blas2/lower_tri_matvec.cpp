// Lower-triangular matrix-vector product y = L x, reading only entries with j <= i.
#include <vector>

std::vector<double> lower_matvec(const std::vector<std::vector<double>> &L,
                                 const std::vector<double> &x)
{
    int n = static_cast<int>(x.size());
    std::vector<double> y(n, 0.0);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j <= i; ++j) {
            y[i] += L[i][j] * x[j];
        }
    }
    return y;
}
