// Example: matrix multiplication with nested std::vector.
//
// Three nested loops computing C[i][j] = sum over k of A[i][k] * B[k][j]:
// tensorlift lifts them to a single matmul (A @ B) and proves it equivalent.
//
//     tensorlift lift examples/matmul.cpp
#include <cstddef>
#include <vector>

using Matrix = std::vector<std::vector<double>>;

Matrix multiply(const Matrix &A, const Matrix &B)
{
    std::size_t rows = A.size(), inner = B.size(), cols = B[0].size();
    Matrix C(rows, std::vector<double>(cols, 0.0));
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
            for (std::size_t k = 0; k < inner; ++k)
                C[i][j] += A[i][k] * B[k][j];
    return C;
}
