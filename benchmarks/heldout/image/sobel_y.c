/* Vertical Sobel response on the image interior: (row below: 1 2 1) minus (row above: 1 2 1), no abs. */

void sobel_y(const int *img, int *gy, int width, int height)
{
    for (int y = 1; y < height - 1; y++) {
        const int *above = img + (y - 1) * width;
        const int *below = img + (y + 1) * width;
        for (int x = 1; x < width - 1; x++) {
            gy[y * width + x] = (below[x - 1] + 2 * below[x] + below[x + 1])
                              - (above[x - 1] + 2 * above[x] + above[x + 1]);
        }
    }
}
