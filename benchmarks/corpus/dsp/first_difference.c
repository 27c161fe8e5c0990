/* First difference (discrete derivative): d[i] = x[i + 1] - x[i] for i = 0 .. n - 2. */

void first_difference(int n, const double *x, double *d)
{
    int i;
    for (i = 0; i < n - 1; ++i)
        d[i] = x[i + 1] - x[i];
}
