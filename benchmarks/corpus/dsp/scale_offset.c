/* Scale-and-offset (e.g. ADC calibration): out = gain * in + offset, pointer walk. */

void calibrate(const float *in, float *out, int n, float gain, float offset)
{
    const float *src = in;
    float *dst = out;
    for (int i = 0; i < n; i++) {
        *dst = gain * *src + offset;
        dst++;
        src++;
    }
}
