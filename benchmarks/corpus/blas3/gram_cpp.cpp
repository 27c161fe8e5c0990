// Gram matrix G = X^T X for an n-by-d row-major X (d-by-d result), raw arrays.
void gram_matrix(int n, int d, const float *X, float *G)
{
    for (int a = 0; a < d; ++a) {
        for (int b = 0; b < d; ++b) {
            float g = 0.0f;
            for (int r = 0; r < n; ++r) {
                g += X[r * d + a] * X[r * d + b];
            }
            G[a * d + b] = g;
        }
    }
}
