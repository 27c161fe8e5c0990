/* Squared difference (a - b)^2 computed as a*a - 2ab + b*b. */

void squared_difference(int n, const double *a, const double *b, double *out)
{
    for (int i = 0; i < n; i++) {
        double aa = a[i] * a[i];
        double bb = b[i] * b[i];
        double ab = a[i] * b[i];
        out[i] = aa - 2.0 * ab + bb;
    }
}
