/* Additive blend of two fixed 8x8 tiles with saturation at 255 written as an if. */
#define TH 8
#define TW 8

void add_saturate_tile(int a[TH][TW], int b[TH][TW], int out[TH][TW])
{
    int y, x;
    for (y = 0; y < TH; y++) {
        for (x = 0; x < TW; x++) {
            int v = a[y][x] + b[y][x];
            if (v > 255)
                v = 255;
            out[y][x] = v;
        }
    }
}
