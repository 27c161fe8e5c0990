/* Attention scores with the scale applied inside the inner sum: S[i][j] = sum_k Q[i][k] * s * K[j][k]. */

void scores_scaled_inner(int nq, int nk, int d, float s, const float *Q, const float *K, float *S)
{
    for (int i = 0; i < nq; i++) {
        for (int j = 0; j < nk; j++) {
            S[i * nk + j] = 0.0f;
            for (int k = 0; k < d; k++)
                S[i * nk + j] += Q[i * d + k] * s * K[j * d + k];
        }
    }
}
