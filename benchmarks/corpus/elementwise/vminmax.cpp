// Element-wise minimum and maximum of two arrays, written with the conditional operator.
void vminmax(int n, const float *a, const float *b, float *lo, float *hi)
{
    for (int i = 0; i < n; ++i) {
        lo[i] = a[i] < b[i] ? a[i] : b[i];
        hi[i] = a[i] < b[i] ? b[i] : a[i];
    }
}
