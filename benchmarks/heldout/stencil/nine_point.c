/* Nine-point Laplacian on a grid interior: (4*(N+S+E+W) + (NE+NW+SE+SW) - 20*C) / (6*h*h). */

#define AT(u, r, c, ncols) ((u)[(r) * (ncols) + (c)])

void laplace9(int nrows, int ncols, double h, const double *u, double *lap)
{
    double scale = 1.0 / (6.0 * h * h);
    int r, c;
    for (r = 1; r < nrows - 1; r++) {
        for (c = 1; c < ncols - 1; c++) {
            double edges = AT(u, r - 1, c, ncols) + AT(u, r + 1, c, ncols)
                         + AT(u, r, c - 1, ncols) + AT(u, r, c + 1, ncols);
            double corners = AT(u, r - 1, c - 1, ncols) + AT(u, r - 1, c + 1, ncols)
                           + AT(u, r + 1, c - 1, ncols) + AT(u, r + 1, c + 1, ncols);
            AT(lap, r, c, ncols) = (4.0 * edges + corners - 20.0 * AT(u, r, c, ncols)) * scale;
        }
    }
}
