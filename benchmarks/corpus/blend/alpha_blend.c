/* Normal (alpha) blend of a constant-opacity layer over a base image of w x h floats:
 * out = alpha * top + (1 - alpha) * base. */

void alpha_blend(int h, int w, float alpha, const float *top, const float *base, float *out)
{
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            out[y * w + x] = alpha * top[y * w + x] + (1.0f - alpha) * base[y * w + x];
        }
    }
}
