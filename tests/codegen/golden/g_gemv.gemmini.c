// rules: gemmini.gemv
// precondition: |sum(k in 0:p, A(i, k) * x(k))| <= 16777216 for all i (Gemmini scales the int32 accumulator through float32)
#include "gemmini.h"

void g_gemv(int32_t m, int32_t p, int8_t A[][p], int8_t *x, int32_t *y) {
    tiled_matmul_auto(m, 1, p, &A[0][0], x, NULL, y, p, 1, 1, 1, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, 0, WS);
}
