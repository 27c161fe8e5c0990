// Restriction to a coarse grid: full-weighting (1/4, 1/2, 1/4) at every even fine point.
void restrict_full_weight(int nc, const double *fine, double *coarse)
{
    for (int i = 2; i < 2 * nc; i += 2) {
        coarse[i / 2] = 0.25 * fine[i - 1] + 0.5 * fine[i] + 0.25 * fine[i + 1];
    }
}
