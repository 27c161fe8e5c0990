// Frobenius norm of a matrix stored as rows: sqrt of the sum of the squares of all entries.
#include <cmath>
#include <vector>

double frobenius_norm(const std::vector<std::vector<double>> &m)
{
    double ssq = 0.0;
    for (std::size_t r = 0; r < m.size(); ++r) {
        const std::vector<double> &row = m[r];
        for (std::size_t c = 0; c < row.size(); ++c)
            ssq += row[c] * row[c];
    }
    return std::sqrt(ssq);
}
