/* Add the 256-bin histogram of 8-bit pixel values to counts: counts[v] += number of pixels equal to v. */

void histogram_u8(const unsigned char *pix, int npix, unsigned int counts[256])
{
    for (int i = 0; i < npix; i++)
        counts[pix[i]]++;
}
