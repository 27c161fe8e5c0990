/* Add a per-feature bias to a batch of activations: out[b][f] = in[b][f] + bias[f]. */

void bias_add(int batch, int features, const float *in, const float *bias, float *out)
{
    for (int b = 0; b < batch; ++b)
        for (int f = 0; f < features; ++f)
            out[b * features + f] = in[b * features + f] + bias[f];
}
