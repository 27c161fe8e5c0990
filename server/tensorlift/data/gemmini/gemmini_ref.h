/*
 * gemmini_ref.h - a reference model of gemmini.h's high-level functions, for hosts without a Gemmini accelerator.
 *
 * Written by the tensorlift project (not copied from Gemmini). Same names, types and signatures as the
 * `include/gemmini.h` + default `include/gemmini_params.h` of ucb-bar/gemmini-rocc-tests as shipped with
 * Chipyard 1.10/1.11 (2023-2024: the `tiled_matmul_auto` with `acc_scale_t bert_scale` after `scale`), int8
 * configuration, DIM 16. Every dataflow (WS, OS, CPU) computes what Gemmini's CPU path computes:
 *
 *   - inputs are moved in with MVIN_SCALE: x * scale in float, rounded half to even, saturated to int8;
 *   - products accumulate in acc_t (int32) with 32-bit two's complement wrap-around, starting from the bias D;
 *   - outputs go out with ACC_SCALE: acc * scale in float (float32 arithmetic, exact only for |acc| <= 2^24),
 *     rounded half to even, saturated to the acc_t range; then, unless full_C, saturated to [-128, 127];
 *     then the activation (RELU clamps at 0).
 *
 * Compiles with gcc -std=c99 -Wall. Emitted code includes "gemmini.h": point -I at a folder where that name
 * resolves to this file (tensorlift's tests copy it as gemmini.h) or to the real header on a Gemmini SoC.
 */
#ifndef TENSORLIFT_GEMMINI_REF_H
#define TENSORLIFT_GEMMINI_REF_H

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIM 16
#define ADDR_LEN 32
#define BANK_NUM 4
#define BANK_ROWS 4096
#define ACC_ROWS 1024

typedef int8_t elem_t;
typedef int32_t acc_t;
typedef int64_t full_t;
typedef float scale_t;
typedef float scale_acc_t;
typedef float acc_scale_t;

static const elem_t elem_t_max = 127;
static const elem_t elem_t_min = -128;
static const acc_t acc_t_max = INT32_MAX;
static const acc_t acc_t_min = INT32_MIN;

#define MVIN_SCALE_IDENTITY 1.0f
#define ACC_SCALE_IDENTITY 1.0f

#define NO_ACTIVATION 0
#define RELU 1

#define OUTPUT_STATIONARY 0
#define WEIGHT_STATIONARY 1

enum tiled_matmul_type_t { OS, WS, CPU };

#define gemmini_flush(skip) ((void)(skip))
#define gemmini_fence() ((void)0)

/* Round half to even, as gemmini_params.h's ROUND_NEAR_EVEN. */
static inline float gemmini_round_near_even(float x) {
    if (x > 4.0e18f) return x;
    if (x < -4.0e18f) return x;
    {
        const long long i = (long long)x; /* truncates toward zero */
        const float next = x < 0 ? (float)(i - 1) : (float)(i + 1);
        float rem = x - (float)i;
        if (rem < 0) rem = -rem;
        if (rem < 0.5f) return (float)i;
        if (rem > 0.5f) return next;
        return (i % 2 == 0) ? (float)i : next;
    }
}

/* MVIN_SCALE: scale an input element, round, saturate to elem_t. */
static inline elem_t gemmini_mvin_scale(elem_t x, scale_t scale) {
    const float y = gemmini_round_near_even((float)x * scale);
    return y > (float)elem_t_max ? elem_t_max : (y < (float)elem_t_min ? elem_t_min : (elem_t)y);
}

/* ACC_SCALE: scale an accumulator, round, saturate to acc_t. */
static inline acc_t gemmini_acc_scale(acc_t x, acc_scale_t scale) {
    const float y = gemmini_round_near_even((float)x * scale);
    if (y >= 2147483648.0f) return acc_t_max;
    if (y < -2147483648.0f) return acc_t_min;
    return (acc_t)y;
}

/* The accumulator's 32-bit wrap-around addition. */
static inline acc_t gemmini_wrap_add(acc_t a, acc_t b) {
    return (acc_t)(int32_t)((uint32_t)a + (uint32_t)b); /* gcc: modulo 2^32 */
}

static inline acc_t gemmini_output(acc_t acc, int act, acc_scale_t scale, bool full_C) {
    acc_t x = gemmini_acc_scale(acc, scale);
    if (!full_C) x = x > elem_t_max ? elem_t_max : (x < elem_t_min ? elem_t_min : x);
    if (act == RELU && x < 0) x = 0;
    return x;
}

/* C = act(scale * (A . B + D)); strides count elements; D is acc_t (elem_t if low_D), C is acc_t if full_C. */
static inline void tiled_matmul_auto(size_t dim_I, size_t dim_J, size_t dim_K,
        const elem_t* A, const elem_t* B,
        const void * D, void * C,
        size_t stride_A, size_t stride_B, size_t stride_D, size_t stride_C,
        scale_t A_scale_factor, scale_t B_scale_factor, scale_acc_t D_scale_factor,
        int act, acc_scale_t scale, acc_scale_t bert_scale,
        bool repeating_bias,
        bool transpose_A, bool transpose_B,
        bool full_C, bool low_D,
        uint8_t weightA,
        enum tiled_matmul_type_t tiled_matmul_type) {
    size_t i, j, kk;
    const bool a_identity = A_scale_factor == 1.0f;
    const bool b_identity = B_scale_factor == 1.0f;
    (void)D_scale_factor; /* MVIN_SCALE_ACC is the identity in the default configuration */
    (void)bert_scale;
    (void)weightA;
    (void)tiled_matmul_type;
    if (C == NULL) return;
    for (i = 0; i < dim_I; i++) {
        for (j = 0; j < dim_J; j++) {
            const size_t bias_row = repeating_bias ? 0 : i;
            acc_t acc = 0;
            if (D != NULL) {
                acc = low_D ? (acc_t)((const elem_t*)D)[bias_row * stride_D + j]
                            : ((const acc_t*)D)[bias_row * stride_D + j];
            }
            for (kk = 0; kk < dim_K; kk++) {
                const elem_t a = transpose_A ? A[kk * stride_A + i] : A[i * stride_A + kk];
                const elem_t b = transpose_B ? B[j * stride_B + kk] : B[kk * stride_B + j];
                /* scaling an int8 by exactly 1.0 is the identity: skip the float round trip */
                const acc_t product = (acc_t)(a_identity ? a : gemmini_mvin_scale(a, A_scale_factor)) *
                                      (acc_t)(b_identity ? b : gemmini_mvin_scale(b, B_scale_factor));
                acc = gemmini_wrap_add(acc, product);
            }
            if (full_C) {
                ((acc_t*)C)[i * stride_C + j] = gemmini_output(acc, act, scale, true);
            } else {
                ((elem_t*)C)[i * stride_C + j] = (elem_t)gemmini_output(acc, act, scale, false);
            }
        }
    }
}

/* C = clamp(C_scale * (A_scale * A + B_scale * B)) over contiguous I x J matrices; relu clamps at 0. */
static inline void tiled_resadd_auto(const size_t I, const size_t J,
        const scale_t A_scale,
        const scale_t B_scale,
        const acc_scale_t C_scale,
        const elem_t * A,
        const elem_t * B,
        elem_t * C,
        bool relu,
        enum tiled_matmul_type_t matadd_type) {
    size_t i, j;
    const acc_t minimum = relu ? 0 : elem_t_min;
    (void)matadd_type;
    for (i = 0; i < I; i++) {
        for (j = 0; j < J; j++) {
            acc_t result = (acc_t)gemmini_mvin_scale(A[i * J + j], A_scale) +
                           (acc_t)gemmini_mvin_scale(B[i * J + j], B_scale);
            result = gemmini_acc_scale(result, C_scale);
            result = result > elem_t_max ? elem_t_max : (result < minimum ? minimum : result);
            C[i * J + j] = (elem_t)result;
        }
    }
}

#endif /* TENSORLIFT_GEMMINI_REF_H */
