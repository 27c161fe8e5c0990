#include "gemmini.h"

void kernel(int32_t m, int32_t n, int8_t A[][n], int8_t B[][n], int8_t C[][n]) {
    tiled_resadd_auto(m, n, MVIN_SCALE_IDENTITY, MVIN_SCALE_IDENTITY, ACC_SCALE_IDENTITY, &A[0][0], &B[0][0], &C[0][0], false, WS);
}
