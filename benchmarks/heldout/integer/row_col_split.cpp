// Split linear pixel indices into (row, column) with C++ integer division and remainder by the row width.
#include <vector>

void split_indices(const std::vector<int> &linear, int width, std::vector<int> &row, std::vector<int> &col)
{
    row.assign(linear.size(), 0);
    col.assign(linear.size(), 0);
    for (std::size_t k = 0; k < linear.size(); k++) {
        row[k] = linear[k] / width;
        col[k] = linear[k] % width;
    }
}
