/* Sum of the even-indexed elements (e.g. the real parts of interleaved complex data). */

float sum_real_parts(int n, const float *interleaved)
{
    float s = 0.0f;
    int i;
    for (i = 0; i < n; i += 2)
        s += interleaved[i];
    return s;
}
