/* Scaled attention scores S = scale * Q K^T for nq queries and nk keys of head size d. */

void attention_scores(int nq, int nk, int d, float scale,
                      const float *Q, const float *K, float *S)
{
    int i, j, k;
    for (i = 0; i < nq; i++) {
        for (j = 0; j < nk; j++) {
            float dot = 0.0f;
            for (k = 0; k < d; k++)
                dot += Q[i * d + k] * K[j * d + k];
            S[i * nk + j] = scale * dot;
        }
    }
}
