/* Downsample by two: keep every other sample, with a separate output counter. */

void decimate2(int n, const short *in, short *out)
{
    int i, j = 0;
    for (i = 0; i < n; i += 2) {
        out[j] = in[i];
        j++;
    }
}
