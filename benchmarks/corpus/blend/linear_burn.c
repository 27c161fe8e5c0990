/* Linear burn on 8-bit channels: a + b - 255, floored at 0. */

void blend_linear_burn(int n, const int *a, const int *b, int *out)
{
    for (int i = 0; i < n; i++) {
        int v = a[i] + b[i] - 255;
        if (v < 0)
            v = 0;
        out[i] = v;
    }
}
