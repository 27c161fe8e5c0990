/* Screen blend mode on 8-bit channels: out = 255 - (255 - a) * (255 - b) / 255. */

void blend_screen_u8(int npix, const unsigned char *base, const unsigned char *layer,
                     unsigned char *out)
{
    for (int i = 0; i < npix; ++i) {
        int inv = (255 - base[i]) * (255 - layer[i]);
        out[i] = (unsigned char)(255 - inv / 255);
    }
}
