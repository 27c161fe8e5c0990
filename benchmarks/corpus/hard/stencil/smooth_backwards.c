/* Three-point average over the interior, swept from right to left. */

void smooth_backwards(int n, const float *u, float *v)
{
    for (int i = n - 2; i >= 1; --i)
        v[i] = (u[i - 1] + u[i] + u[i + 1]) / 3.0f;
}
