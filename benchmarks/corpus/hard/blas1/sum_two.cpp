// Total of two equally long arrays, accumulated in two statements per iteration.
float total_of_both(int n, const float *a, const float *b)
{
    float s = 0.0f;
    for (int i = 0; i < n; ++i) {
        s += a[i];
        s += b[i];
    }
    return s;
}
