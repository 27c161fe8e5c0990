// Wrap integer offsets into a ring buffer of size len: C++ % keeps the sign of the dividend.
#include <vector>

std::vector<int> ring_offsets(const std::vector<int> &offs, int len)
{
    std::vector<int> r;
    for (int i = 0; i < (int)offs.size(); i++)
        r.push_back(offs[i] % len);
    return r;
}
