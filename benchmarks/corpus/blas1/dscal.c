/* dscal: scale a double vector in place, x <- alpha * x. */

void dscal(int n, double alpha, double *x)
{
    int i;
    for (i = 0; i < n; i++)
        x[i] *= alpha;
}
