/*
 * Example: "a times x plus y", updated in place.
 *
 * y[i] += a * x[i] for every i is the BLAS saxpy operation; tensorlift
 * recognises it and can emit y + a * x in NumPy, PyTorch, JAX, ...
 *
 *     tensorlift lift examples/saxpy.c --target numpy
 */

void add_scaled(int n, float a, const float *x, float *y)
{
    for (int i = 0; i < n; ++i)
        y[i] += a * x[i];
}
