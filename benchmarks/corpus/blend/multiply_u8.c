/* Multiply blend mode on 8-bit channels: out = a * b / 255 (integer division). */

void blend_multiply_u8(int npix, const unsigned char *a, const unsigned char *b, unsigned char *out)
{
    int i;
    for (i = 0; i < npix; i++) {
        out[i] = (unsigned char)((a[i] * b[i]) / 255);
    }
}
