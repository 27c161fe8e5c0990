/* Plain sum of an array, obscured by identity operations (multiply by one, add zero). */

int noisy_sum(int n, const int *a)
{
    int s = 0;
    int i;
    for (i = 0; i < n; i++) {
        s = s * 1 + a[i] + 0;
    }
    return s;
}
