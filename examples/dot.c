/*
 * Example: a dot product.
 *
 * The loop below multiplies two arrays element by element and adds up the
 * products -- that is exactly np.dot(weights, features). Try:
 *
 *     tensorlift lift examples/dot.c
 */

double weighted_score(const double *weights, const double *features, int count)
{
    double score = 0.0;
    for (int i = 0; i < count; i++) {
        score += weights[i] * features[i];
    }
    return score;
}
