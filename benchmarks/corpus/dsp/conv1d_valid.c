/* 1-D "valid" convolution written as sliding dot product (deep-learning convention):
 * out[i] = sum_j in[i + j] * kernel[j]. */

void conv1d_valid(const double *in, int in_len, const double *kernel, int k_len, double *out)
{
    int out_len = in_len - k_len + 1;
    for (int i = 0; i < out_len; ++i) {
        double s = 0.0;
        for (int j = 0; j < k_len; ++j) {
            s += in[i + j] * kernel[j];
        }
        out[i] = s;
    }
}
