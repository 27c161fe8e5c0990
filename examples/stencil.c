/*
 * Example: a three-point blur over the inside of a 1-D signal.
 *
 * Only the interior points 1 .. n-2 are written (the ends have no left or right
 * neighbour). tensorlift keeps that range exact in the lifted expression, e.g.
 * out[1:n-1] = (a[0:n-2] + a[1:n-1] + a[2:n]) / 3 in NumPy.
 *
 *     tensorlift lift examples/stencil.c
 */

void blur3(int n, const float *a, float *out)
{
    int i;
    for (i = 1; i < n - 1; i++) {
        out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0f;
    }
}
