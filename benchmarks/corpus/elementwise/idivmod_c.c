/* Integer quotient and remainder per element with C semantics (truncation toward zero). */

void idivmod(int n, const int *num, const int *den, int *quot, int *rem)
{
    for (int i = 0; i < n; i++) {
        quot[i] = num[i] / den[i];
        rem[i] = num[i] % den[i];
    }
}
