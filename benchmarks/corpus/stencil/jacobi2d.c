/* One Jacobi sweep of the 2-D five-point stencil on the interior of an ny-by-nx grid
 * (row-major flat arrays). */

void jacobi_sweep(int ny, int nx, const float *u, float *unew)
{
    int y, x;
    for (y = 1; y < ny - 1; y++) {
        for (x = 1; x < nx - 1; x++) {
            unew[y * nx + x] = 0.2f * (u[y * nx + x] + u[(y - 1) * nx + x] + u[(y + 1) * nx + x]
                                       + u[y * nx + x - 1] + u[y * nx + x + 1]);
        }
    }
}
