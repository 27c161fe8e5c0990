/* Time-reverse a signal: out[n-1-i] = a[i], iterating from the last sample down. */

void time_reverse(int n, const float *a, float *out)
{
    int i;
    for (i = n - 1; i >= 0; i--)
        out[n - 1 - i] = a[i];
}
