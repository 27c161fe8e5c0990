/* Element-wise vector addition d = a + b in classic pointer-walking style. */

void vadd(const float *p_a, const float *p_b, float *p_d, int len)
{
    int i;
    for (i = 0; i < len; i++)
        *p_d++ = *p_a++ + *p_b++;
}
