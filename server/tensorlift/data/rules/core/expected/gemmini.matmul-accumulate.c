#include "gemmini.h"

void kernel(int32_t m, int32_t n, int32_t p, int8_t A[][p], int8_t B[][n], int32_t C[][n]) {
    tiled_matmul_auto(m, n, p, &A[0][0], &B[0][0], &C[0][0], &C[0][0], p, n, n, n, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, NO_ACTIVATION, ACC_SCALE_IDENTITY, 0, false, false, false, true, false, 0, WS);
}
