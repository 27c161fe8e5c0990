/* Trace of a square n-by-n row-major matrix: sum of the diagonal A[i][i]. */

double trace(int n, const double *A)
{
    double t = 0.0;
    for (int i = 0; i < n; i++)
        t += A[i * n + i];
    return t;
}
