/* Sum values until the terminating negative sentinel (a while loop with a data-dependent trip count). */

int sum_until_sentinel(const int *vals)
{
    int total = 0;
    int i = 0;
    while (vals[i] >= 0) {
        total += vals[i];
        i++;
    }
    return total;
}
