/* Energy of one frame of 16-bit PCM samples: sum of squared samples, in a wide integer. */

long long frame_energy(const short *pcm, int len)
{
    long long e = 0;
    int i;
    for (i = 0; i < len; i++)
        e += (long long)pcm[i] * pcm[i];
    return e;
}
