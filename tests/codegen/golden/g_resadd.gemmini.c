// rules: gemmini.resadd-vector
// precondition: -128 <= a(i) + b(i) <= 127 for all i (tiled_resadd_auto saturates where C's int8 store would wrap)
#include "gemmini.h"

void g_resadd(int32_t n, int8_t *a, int8_t *b, int8_t *c) {
    tiled_resadd_auto(1, n, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, ACC_SCALE_IDENTITY, a, b, c, false, WS);
}
