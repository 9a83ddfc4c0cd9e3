/* The summation orders of the reduction kernel (kernels/cpu/reduce.c), shared with the fused kernels that
 * must reproduce its sums bit for bit (kernels/cpu/bias_act.c).  Internal to kernels/cpu.
 *  - kept-block sums: 16 float lanes (element i into lane i % 16 over the whole multiples of 16), the lanes
 *    added in order, then the remaining elements one by one;
 *  - trailing-run sums: 4 double chains (element i into chain i % 4 over the whole multiples of 4), combined
 *    as (c0 + c1) + (c2 + c3), then the remaining elements one by one. */
#ifndef MG_K_CPU_SUM_ORDER_H
#define MG_K_CPU_SUM_ORDER_H

typedef float v16f __attribute__((vector_size(64)));   /* GCC/Clang vector: lanewise, so the same on any ISA */

static inline float lanes_total(v16f lane) {
    float s = 0;
    for (int j = 0; j < 16; j++) s += lane[j];
    return s;
}

static inline double chains_total(const double c[4]) { return (c[0] + c[1]) + (c[2] + c[3]); }
#endif
