/* Statistics of W that the projector starts from (as the reference projector computes them):
 * avg = mean of mapping(z) over n samples z ~ N(0, I), std = sqrt(sum_i |w_i - avg|^2 / n) (one number:
 * the root of the total variance, which scales the noise added to w while optimising). */
#ifndef MG_W_STATS_H
#define MG_W_STATS_H
#include "models/stylegan2.h"
#include <stdint.h>

typedef struct WStats {
    int dim;
    float *avg;      /* [dim], malloc'd */
    float std;
} WStats;

/* n samples drawn from rng_new(seed), mapped in batches of 1000 without recording.  0 or -1. */
int w_stats_compute(const Sg2 *g, int n, uint64_t seed, WStats *out);
void w_stats_free(WStats *s);
#endif
