/* Mean of an array with two accumulators, the running sum and a counter, combined at the end. */

double mean(int n, const double *x)
{
    double sum = 0.0;
    int count = 0;
    for (int i = 0; i < n; i++) {
        sum += x[i];
        count++;
    }
    return count > 0 ? sum / count : 0.0;
}
