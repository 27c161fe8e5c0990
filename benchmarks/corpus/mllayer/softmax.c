/* Numerically stable softmax in four passes: max, shifted exponentials, their sum, normalise. */
#include <math.h>

void softmax(int n, const float *logits, float *tmp, float *probs)
{
    float m = logits[0];
    for (int i = 1; i < n; i++) {
        if (logits[i] > m)
            m = logits[i];
    }
    for (int i = 0; i < n; i++)
        tmp[i] = expf(logits[i] - m);
    float total = 0.0f;
    for (int i = 0; i < n; i++)
        total += tmp[i];
    for (int i = 0; i < n; i++)
        probs[i] = tmp[i] / total;
}
