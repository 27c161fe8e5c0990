/* saxpy: y <- alpha * x + y, walking both arrays with pointers. */

void saxpy(int n, float alpha, const float *x, float *y)
{
    const float *px = x;
    float *py = y;
    int k;
    for (k = 0; k < n; k++) {
        *py++ += alpha * *px++;
    }
}
