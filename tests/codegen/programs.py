"""TensIR programs the codegen tests run on every target: every rule of the core pack and the fallback's forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Program:
    name: str
    text: str
    inputs: dict[str, str]
    refused_by: tuple[str, ...] = ()  # targets that must refuse it (with a reason)
    positive: bool = False  # draw positive inputs (math functions with restricted domains)


PROGRAMS: tuple[Program, ...] = (
    Program("elementwise_float",
            "r(i) = (a(i) + b(i) * 2.0 - a(i) / (abs(b(i)) + 1.0)) * -a(i)  for i in 0:n",
            {"a": "f64[1]", "b": "f64[1]", "n": "i64"}),
    Program("min_max_compare",
            "r(i) = select(a(i) < b(i) && b(i) != 3, min(a(i), b(i)), max(a(i), -b(i)))  for i in 0:n",
            {"a": "i64[1]", "b": "i64[1]", "n": "i64"}),
    Program("logic", "r(i) = select(!(a(i) > 0) || b(i) >= a(i), 1, 0)  for i in 0:n",
            {"a": "i64[1]", "b": "i64[1]", "n": "i64"}),
    Program("c_division", "q(i) = tdiv(a(i), b(i)) * 100 + tmod(a(i), b(i))  for i in 0:n",
            {"a": "i64[1]", "b": "i64[1]", "n": "i64"}),
    Program("python_division", "q(i) = a(i) // b(i) * 100 + a(i) % b(i)  for i in 0:n",
            {"a": "i64[1]", "b": "i64[1]", "n": "i64"}),
    Program("scalar_division", "q(i) = a(i) + tdiv(k, 2) + tmod(k, 3) + k // 2  for i in 0:n",
            {"a": "i64[1]", "k": "i64", "n": "i64"}),
    Program("clamp", "r(i) = min(max(a(i), lo), hi)  for i in 0:n",
            {"a": "f64[1]", "lo": "f64", "hi": "f64", "n": "i64"}),
    Program("relu", "r(i) = select(a(i) > 0, a(i), 0)  for i in 0:n", {"a": "i64[1]", "n": "i64"}),
    Program("relu_negative", "r(i) = select(a(i) < 0.0, 0.0, a(i))  for i in 0:n", {"a": "f64[1]", "n": "i64"}),
    Program("row_sums", "r(i) = sum(j in 0:n, A(i, j))  for i in 0:m", {"A": "i64[2]", "m": "i64", "n": "i64"}),
    Program("column_max", "c(j) = max(i in 0:m, A(i, j))  for j in 0:n", {"A": "f64[2]", "m": "i64", "n": "i64"}),
    Program("products", "s = prod(i in 0:n, a(i))\nt = min(i in 0:n, a(i))\nu = min(i in 0:n, a(i) * 2)",
            {"a": "i64[1]", "n": "i64"}),
    Program("vector_sum_max", "s = sum(i in 0:n, a(i))\nt = max(i in 0:n, a(i))", {"a": "f64[1]", "n": "i64"}),
    Program("matmul", "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
            {"A": "f64[m, p]", "B": "f64[p, n]", "m": "i64", "n": "i64", "p": "i64"}),
    Program("matmul_int", "C(i, j) = sum(k in 0:p, A(i, k) * B(k, j))  for i in 0:m, j in 0:n",
            {"A": "i64[2]", "B": "i64[2]", "m": "i64", "n": "i64", "p": "i64"}),
    Program("matmul_transposed", "C(i, j) = sum(k in 0:p, A(k, i) * B(k, j))  for i in 0:m, j in 0:n",
            {"A": "f64[2]", "B": "f64[2]", "m": "i64", "n": "i64", "p": "i64"}),
    Program("gemv", "y(i) = sum(k in 0:n, A(i, k) * x(k))  for i in 0:m",
            {"A": "f64[2]", "x": "f64[1]", "m": "i64", "n": "i64"}),
    Program("gemv_accumulate", "y(i) = y(i) + sum(k in 0:n, A(i, k) * x(k))  for i in 0:m",
            {"A": "f64[2]", "x": "f64[1]", "y": "f64[1]", "m": "i64", "n": "i64"}),
    Program("dot", "s = alpha * sum(i in 0:n, a(i) * b(i))", {"a": "f64[1]", "b": "f64[1]", "alpha": "f64",
                                                              "n": "i64"}),
    Program("outer", "C(i, j) = a(i) * b(j)  for i in 0:m, j in 0:n", {"a": "f64[1]", "b": "f64[1]", "m": "i64",
                                                                      "n": "i64"}),
    Program("weighted_einsum", "C(i, j) = sum(k in 0:p, A(i, k) * w(k) * B(j, k))  for i in 0:m, j in 0:n",
            {"A": "f64[2]", "B": "f64[2]", "w": "f64[1]", "m": "i64", "n": "i64", "p": "i64"}),
    Program("stencil", "o(i) = a(i - 1) + a(i) * 2.0 + a(i + 1)  for i in 1:n - 1",
            {"a": "f64[n]", "o": "f64[n]", "n": "i64"}),
    Program("strided_reversed", "o(2 * i) = a(n - 1 - i)  for i in 0:n", {"a": "i64[1]", "o": "i64[1]", "n": "i64"}),
    Program("in_place_scale", "x(i) = x(i) * alpha  for i in 0:n", {"x": "f64[1]", "alpha": "f64", "n": "i64"}),
    Program("in_place_shifted", "y(i) = y(i) + y(i + 1) * 2.0  for i in 0:n", {"y": "f64[1]", "n": "i64"}),
    Program("in_place_axpy", "y(i) = y(i) + alpha * x(i)  for i in 0:n",
            {"x": "f64[1]", "y": "f64[1]", "alpha": "f64", "n": "i64"}),
    Program("in_place_partial_2d", "B(i, j) = B(i, j) * 2 + A(j, i)  for i in 1:m, j in 0:n",
            {"A": "i64[2]", "B": "i64[2]", "m": "i64", "n": "i64"}),
    Program("transpose_write", "o(j, i) = A(i, j)  for i in 0:m, j in 0:n",
            {"A": "i64[2]", "o": "i64[2]", "m": "i64", "n": "i64"}),
    Program("broadcast_fresh", "C(i, j) = a(i) + 1.5  for i in 0:m, j in 0:n",
            {"a": "f64[1]", "m": "i64", "n": "i64"}),
    Program("constant_fill", "z(i) = 0.0  for i in 0:n", {"n": "i64"}),
    Program("several_statements",
            "t(i) = a(i) * a(i)  for i in 0:n\ns = sum(i in 0:n, t(i))\nu(i) = t(i) - s  for i in 0:n",
            {"a": "i64[1]", "n": "i64"}),
    Program("index_values", "r(i, j) = f64(i * 10 + j) + A(i, j)  for i in 0:m, j in 0:n",
            {"A": "f64[2]", "m": "i64", "n": "i64"}),
    Program("gather_toeplitz", "T(i, j) = a(i + j)  for i in 0:m, j in 0:n", {"a": "f64[1]", "m": "i64", "n": "i64"}),
    Program("gather_diagonal", "d(i) = A(i, i) + A(2 * i, n - 1 - i)  for i in 0:n", {"A": "i64[2]", "n": "i64"}),
    Program("scatter_flat", "g(w * y + x - y) = img(y, x + 1) - img(y, x)  for y in 0:h, x in 0:w - 1",
            {"img": "f64[h, w]", "g": "f64[1]", "h": "i64", "w": "i64"}),
    Program("exact_division_index", "c(tdiv(2 * t + 2, 2)) = f(2 * t + 1) + f((2 * t + 4) // 2)  for t in 0:n",
            {"c": "f64[1]", "f": "f64[1]", "n": "i64"}),
    Program("upper_triangle_copy", "U(i, j) = 0.0  for i in 0:n, j in 0:n\nU(i, j) = A(i, j)  for i in 0:n, j in i:n",
            {"A": "f64[n, n]", "n": "i64"}),
    Program("band_update", "B(i, j) = B(i, j) + 1  for i in 1:n, j in i - 1:min(i + 2, n)",
            {"B": "i64[n, n]", "n": "i64"}),
    Program("c_promotion_u8", "r(i) = u8(tdiv(a(i) * b(i), 255)) + u8(-a(i) % 7)  for i in 0:n",
            {"a": "u8[1]", "b": "u8[1]", "n": "i64"}),
    Program("c_promotion_sum_i8", "s = sum(i in 0:n, a(i) * a(i))\nt(i) = a(i) * 100  for i in 0:n",
            {"a": "i8[1]", "n": "i32"}),
    Program("guarded_max", "m = select(0 < n, max(0.0, max(i in 0:n, abs(x(i)))), 0.0)", {"x": "f64[1]", "n": "i64"}),
    Program("math", "r(i) = sqrt(a(i)) + exp(-a(i)) + log(a(i))  for i in 0:n", {"a": "f64[1]", "n": "i64"},
            positive=True),
    Program("softmax_pieces",
            "xmax = max(i in 0:n, x(i))\ne(i) = exp(x(i) - xmax)  for i in 0:n\nz = sum(i in 0:n, e(i))\n"
            "p(i) = e(i) / z  for i in 0:n",
            {"x": "f64[1]", "n": "i64"}),
    Program("cast_int_float", "r(i) = i64(a(i) * 2.5) + tdiv(b(i), 3)  for i in 0:n",
            {"a": "f64[1]", "b": "i64[1]", "n": "i64"}),
    Program("prefix_rows", "r(i) = sum(k in 0:i + 1, a(k))  for i in 0:n", {"a": "i64[n]", "n": "i64"}),
    Program("lower_triangular_mv", "y(i) = sum(k in 0:i + 1, L(i, k) * x(k))  for i in 0:n",
            {"L": "f64[n, n]", "x": "f64[n]", "n": "i64"}),
    Program("window_max", "r(i) = max(k in i:i + w, a(k))  for i in 0:n", {"a": "f64[1]", "n": "i64", "w": "i64"}),
    Program("window_max_int", "r(i) = max(k in i:i + 2, a(k))  for i in 0:n", {"a": "i64[1]", "n": "i64"},
            refused_by=("numpy", "torch", "jax", "tensorflow", "mlx")),
)

GOLDEN = ("elementwise_float", "c_division", "python_division", "clamp", "row_sums", "matmul", "gemv_accumulate",
          "dot", "stencil", "strided_reversed", "in_place_partial_2d", "softmax_pieces", "gather_toeplitz",
          "prefix_rows", "lower_triangular_mv", "window_max")

