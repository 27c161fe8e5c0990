// Five-point average (cross-shaped neighbourhood) on a vector<vector<double>> grid interior.
#include <vector>

using Grid = std::vector<std::vector<double>>;

void five_point_average(const Grid &g, Grid &out)
{
    int rows = static_cast<int>(g.size());
    int cols = static_cast<int>(g[0].size());
    for (int i = 1; i < rows - 1; ++i) {
        for (int j = 1; j < cols - 1; ++j) {
            double centre = g[i][j];
            double cross = g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1];
            out[i][j] = (centre + cross) / 5.0;
        }
    }
}
