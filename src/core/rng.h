/* The one random generator behind every draw: Philox4x32-10 (Salmon et al. 2011), counter based.
 * State = (seed, counter).  Draw i of a stream is a pure function of (seed, counter + i), so fills
 * are deterministic whatever the thread count, and the state is two integers to checkpoint. */
#ifndef MG_RNG_H
#define MG_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct Rng {
    uint64_t seed;
    uint64_t counter;        /* number of 32-bit words consumed so far */
} Rng;

Rng rng_new(uint64_t seed);
uint32_t rng_u32(Rng *r);
float rng_uniform1(Rng *r);                              /* [0, 1) */
void rng_uniform(Rng *r, float *out, size_t n, float lo, float hi);   /* [lo, hi) */
void rng_normal(Rng *r, float *out, size_t n, float mean, float std);
void rng_truncated_normal(Rng *r, float *out, size_t n, float mean, float std, float lo, float hi); /* in std units: lo, hi */
uint32_t rng_below(Rng *r, uint32_t n);                  /* uniform in [0, n), unbiased */
void rng_permutation(Rng *r, int *out, int n);           /* a uniformly random permutation of 0..n-1 */
void philox4x32(uint64_t key, uint64_t ctr_hi, uint64_t ctr_lo, uint32_t out[4]);   /* the block function */
#endif
