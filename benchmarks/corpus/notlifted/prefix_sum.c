/* Running (inclusive prefix) sum: each output reads the previous output. */

void running_sum(int n, const int *x, int *out)
{
    if (n <= 0)
        return;
    out[0] = x[0];
    for (int i = 1; i < n; i++)
        out[i] = out[i - 1] + x[i];
}
