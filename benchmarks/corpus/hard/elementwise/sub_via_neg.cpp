// Difference of two arrays written as a sum with a negated term: c = a + (-1) * b.
void sub_via_neg(int n, const int *a, const int *b, int *c)
{
    for (int i = 0; i < n; ++i) {
        int nb = -1 * b[i];
        c[i] = a[i] + nb;
    }
}
