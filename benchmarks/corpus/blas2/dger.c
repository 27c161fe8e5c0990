/* dger: rank-1 update A <- A + alpha * x * y^T on a row-major m-by-n matrix. */

void dger(int m, int n, double alpha, const double *x, const double *y, double *A, int lda)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            A[i * lda + j] += alpha * x[i] * y[j];
        }
    }
}
