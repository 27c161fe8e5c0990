/* Convert integer ADC counts to volts: v = (float)count * lsb. */

void counts_to_volts(int n, const int *count, float lsb, float *volts)
{
    for (int i = 0; i < n; i++)
        volts[i] = (float)count[i] * lsb;
}
