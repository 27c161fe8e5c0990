/* Darken blend on a fixed 8x8 tile: each pixel keeps the darker of the two inputs. */
#define H 8
#define W 8

void blend_darken_tile(float base[H][W], float layer[H][W], float out[H][W])
{
    int r, c;
    for (r = 0; r < H; r++)
        for (c = 0; c < W; c++)
            out[r][c] = base[r][c] < layer[r][c] ? base[r][c] : layer[r][c];
}
