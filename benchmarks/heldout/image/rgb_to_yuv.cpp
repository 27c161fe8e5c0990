// BT.601 RGB -> YUV on three separate float planes: Y = .299R+.587G+.114B, U = .492(B-Y), V = .877(R-Y).
#include <vector>

void rgb_to_yuv(const std::vector<float> &r, const std::vector<float> &g, const std::vector<float> &b,
                std::vector<float> &y, std::vector<float> &u, std::vector<float> &v)
{
    const int n = static_cast<int>(r.size());
    y.resize(n);
    u.resize(n);
    v.resize(n);
    for (int i = 0; i < n; ++i) {
        float luma = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
        y[i] = luma;
        u[i] = 0.492f * (b[i] - luma);
        v[i] = 0.877f * (r[i] - luma);
    }
}
