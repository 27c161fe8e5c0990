/* Apply a gain and hard-clip to [-1, 1], as an audio output stage does. */

static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

void apply_gain_clip(int n, float gain, const float *in, float *out)
{
    for (int i = 0; i < n; i++)
        out[i] = clampf(gain * in[i], -1.0f, 1.0f);
}
