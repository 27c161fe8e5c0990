/* Symmetric rank-1 update of the upper triangle of a column-major matrix: A[i,j] += alpha*x[i]*x[j] for i <= j. */

void dsyr_upper(int n, double alpha, const double *x, double *A, int lda)
{
    int i, j;
    for (j = 0; j < n; j++) {
        double temp = alpha * x[j];
        for (i = 0; i <= j; i++) {
            A[i + j * lda] += x[i] * temp;
        }
    }
}
