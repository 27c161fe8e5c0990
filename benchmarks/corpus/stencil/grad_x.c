/* Horizontal forward difference of an image: gx[y][x] = img[y][x+1] - img[y][x]. */

void gradient_x(int h, int w, const float *img, float *gx)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w - 1; x++)
            gx[y * (w - 1) + x] = img[y * w + x + 1] - img[y * w + x];
}
