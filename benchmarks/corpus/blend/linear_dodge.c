/* Linear dodge (additive blend) on 8-bit channels: min(a + b, 255), via a clamp helper. */

static inline int clamp_u8(int v)
{
    return v > 255 ? 255 : v;
}

void blend_add_u8(int rows, int cols, const int *a, const int *b, int *out)
{
    int i, j;
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++)
            out[i * cols + j] = clamp_u8(a[i * cols + j] + b[i * cols + j]);
}
