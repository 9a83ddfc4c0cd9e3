/* Kernels that draw from the Philox generator (core/rng.h).  CPU versions: kernels/cpu/random.c. */
#ifndef MG_K_RANDOM_H
#define MG_K_RANDOM_H
#include <stddef.h>
#include "core/rng.h"
/* inverted-dropout mask: mask[i] = u_i < p ? 0 : 1/(1-p), u_i = the i-th uniform draw of r */
void cpu_dropout_mask(Rng *r, size_t n, float p, float *mask);
#endif
