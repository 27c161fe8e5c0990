/* Explicit heat-equation step: u_next[i] = u[i] + r * (u[i-1] - 2 u[i] + u[i+1]) inside the rod. */

void heat_step(int n, double r, const double *u, double *u_next)
{
    int i;
    for (i = 1; i <= n - 2; i++) {
        u_next[i] = u[i] + r * (u[i - 1] - 2.0 * u[i] + u[i + 1]);
    }
}
