/* Residual connection: out = x + residual, pointer-walking form. */

void residual_add(const float *x, const float *residual, float *out, int n)
{
    int i;
    for (i = 0; i < n; i++)
        *out++ = *x++ + *residual++;
}
