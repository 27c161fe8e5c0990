/* Index of the first negative entry of x, or -1 if there is none. */

int first_negative(const double *x, int n)
{
    for (int i = 0; i < n; i++) {
        if (x[i] < 0.0)
            return i;
    }
    return -1;
}
