// rules: gemmini.matmul
// precondition: |sum(k in 0:p, A(i, k) * B(k, j))| <= 16777216 for all i, j (Gemmini scales the int32 accumulator through float32)
#include "gemmini.h"

void g_matmul_flat(int32_t m, int32_t n, int32_t p, int8_t *A, int8_t *B, int32_t *C) {
    tiled_matmul_auto(m, n, p, A, B, NULL, C, p, n, n, n, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, 0, WS);
}
