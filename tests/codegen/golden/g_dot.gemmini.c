// rules: gemmini.dot
// precondition: |sum(k in 0:n, a(k) * b(k))| <= 16777216 (Gemmini scales the int32 accumulator through float32)
#include "gemmini.h"

void g_dot(int32_t n, int8_t *a, int8_t *b, int32_t *s_out) {
    int32_t s = 0;
    tiled_matmul_auto(1, 1, n, a, b, NULL, &s, n, 1, 1, 1, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, 0, WS);
    *s_out = s;
}
