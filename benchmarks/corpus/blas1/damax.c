/* damax: largest absolute value in a vector (the value that idamax would point at). */

double damax(int n, const double *x)
{
    double best = 0.0;
    for (int i = 0; i < n; i++) {
        double a = x[i] < 0.0 ? -x[i] : x[i];
        if (a > best)
            best = a;
    }
    return best;
}
