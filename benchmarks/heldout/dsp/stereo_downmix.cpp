// Mix the two channels of an interleaved stereo buffer into mono: mono[i] = 0.5 * (left[i] + right[i]).

void stereo_to_mono(const float *interleaved, float *mono, int frames)
{
    for (int i = 0; i < frames; ++i) {
        const float left = interleaved[2 * i];
        const float right = interleaved[2 * i + 1];
        mono[i] = 0.5f * (left + right);
    }
}
