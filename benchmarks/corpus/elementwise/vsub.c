/* Element-wise subtraction of two integer arrays: c = a - b. */

void vsub_i32(int n, const int *a, const int *b, int *c)
{
    for (int i = 0; i < n; ++i) {
        c[i] = a[i] - b[i];
    }
}
