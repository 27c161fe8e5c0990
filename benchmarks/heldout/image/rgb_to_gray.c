/* Luma of interleaved 8-bit RGB pixels in 8.8 fixed point: gray = (77*R + 150*G + 29*B) >> 8. */

void rgb_to_gray(const unsigned char *rgb, unsigned char *gray, int npixels)
{
    const unsigned char *p = rgb;
    unsigned char *q = gray;
    int count = npixels;
    while (count-- > 0) {
        unsigned int lum = 77u * p[0] + 150u * p[1] + 29u * p[2];
        *q++ = (unsigned char)(lum >> 8);
        p += 3;
    }
}
