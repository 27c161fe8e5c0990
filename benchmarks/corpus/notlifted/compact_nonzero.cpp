// Stream compaction: copy the non-zero entries into a new vector (data-dependent length).
#include <vector>

std::vector<float> compact_nonzero(const std::vector<float> &v)
{
    std::vector<float> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != 0.0f)
            out.push_back(v[i]);
    }
    return out;
}
