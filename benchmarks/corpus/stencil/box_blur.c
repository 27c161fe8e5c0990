/* 3x3 box blur (integer sum of the neighbourhood) on the interior of an image given as int **. */

void box_blur_sum(int h, int w, int **img, int **out)
{
    int r, c;
    for (r = 1; r < h - 1; r++) {
        for (c = 1; c < w - 1; c++) {
            int s = 0;
            s += img[r - 1][c - 1] + img[r - 1][c] + img[r - 1][c + 1];
            s += img[r][c - 1] + img[r][c] + img[r][c + 1];
            s += img[r + 1][c - 1] + img[r + 1][c] + img[r + 1][c + 1];
            out[r][c] = s;
        }
    }
}
