// Transpose a rows-by-cols row-major matrix held in a flat std::vector.
#include <vector>

std::vector<double> transpose(const std::vector<double> &in, int rows, int cols)
{
    std::vector<double> out(rows * cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            out[c * rows + r] = in[r * cols + c];
    return out;
}
