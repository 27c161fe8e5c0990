/* Binary threshold of 8-bit grey levels: 255 where the pixel exceeds t, else 0. */

void threshold_u8(int npix, const unsigned char *src, unsigned char *dst, int t)
{
    for (int i = 0; i < npix; i++) {
        if (src[i] > t)
            dst[i] = 255;
        else
            dst[i] = 0;
    }
}
