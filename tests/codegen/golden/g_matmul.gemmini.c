// rules: gemmini.matmul
// precondition: |sum(k in 0:p, A(i, k) * B(k, j))| <= 16777216 for all i, j (Gemmini scales the int32 accumulator through float32)
#include "gemmini.h"

void g_matmul(int32_t m, int32_t n, int32_t p, int8_t A[][p], int8_t B[][n], int32_t C[][n]) {
    tiled_matmul_auto(m, n, p, &A[0][0], &B[0][0], NULL, &C[0][0], p, n, n, n, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, 0, WS);
}
