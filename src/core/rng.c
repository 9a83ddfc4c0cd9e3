#include "core/rng.h"
#include <math.h>
#include <stdint.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void philox4x32(uint64_t key, uint64_t ctr_hi, uint64_t ctr_lo, uint32_t out[4]) {
    uint32_t c0 = (uint32_t)ctr_lo, c1 = (uint32_t)(ctr_lo >> 32), c2 = (uint32_t)ctr_hi, c3 = (uint32_t)(ctr_hi >> 32);
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

Rng rng_new(uint64_t seed) { return (Rng){.seed = seed, .counter = 0}; }

/* word i of the stream: block i/4, lane i%4 */
static uint32_t word_at(uint64_t seed, uint64_t i) {
    uint32_t b[4];
    philox4x32(seed, 0, i >> 2, b);
    return b[i & 3];
}

uint32_t rng_u32(Rng *r) { return word_at(r->seed, r->counter++); }

static inline float u32_to_unit(uint32_t x) { return (float)(x >> 8) * (1.0f / 16777216.0f); }

float rng_uniform1(Rng *r) { return u32_to_unit(rng_u32(r)); }

/* words of the stream in increasing order, each Philox block computed once (word_at computes a block per word) */
typedef struct { uint64_t seed, block; uint32_t w[4]; } WordCache;

static inline uint32_t cached_word(WordCache *c, uint64_t i) {
    if (i >> 2 != c->block) { c->block = i >> 2; philox4x32(c->seed, 0, c->block, c->w); }
    return c->w[i & 3];
}

void rng_uniform(Rng *r, float *out, size_t n, float lo, float hi) {
    const uint64_t base = r->counter, seed = r->seed;
#pragma omp parallel if (n > 65536)
    {
        WordCache c = {seed, UINT64_MAX, {0}};
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) out[i] = lo + (hi - lo) * u32_to_unit(cached_word(&c, base + i));
    }
    r->counter += n;
}

/* Box-Muller on two words a, b: element i of a draw uses only its own two words (2i, 2i+1). */
static float box_muller(uint32_t a, uint32_t b) {
    double u1 = ((a >> 8) + 1.0) / 16777217.0;     /* (0, 1]: log is finite */
    double u2 = (b >> 8) / 16777216.0;
    return (float)(sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}

static float normal_at(uint64_t seed, uint64_t base, size_t i) {
    return box_muller(word_at(seed, base + 2 * i), word_at(seed, base + 2 * i + 1));
}

void rng_normal(Rng *r, float *out, size_t n, float mean, float std) {
    const uint64_t base = r->counter, seed = r->seed;
#pragma omp parallel if (n > 65536)
    {
        WordCache c = {seed, UINT64_MAX, {0}};
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            const uint32_t a = cached_word(&c, base + 2 * i);
            out[i] = mean + std * box_muller(a, cached_word(&c, base + 2 * i + 1));
        }
    }
    r->counter += 2 * n;
}

void rng_truncated_normal(Rng *r, float *out, size_t n, float mean, float std, float lo, float hi) {
    for (size_t i = 0; i < n; i++) {
        float z;
        do {
            z = normal_at(r->seed, r->counter, 0);
            r->counter += 2;
        } while (z < lo || z > hi);
        out[i] = mean + std * z;
    }
}

uint32_t rng_below(Rng *r, uint32_t n) {
    if (n <= 1) return 0;
    uint32_t limit = (uint32_t)(-n) % n;    /* 2^32 mod n: reject the low values that would bias */
    for (;;) {
        uint32_t x = rng_u32(r);
        if (x >= limit) return x % n;
    }
}

void rng_permutation(Rng *r, int *out, int n) {
    for (int i = 0; i < n; i++) out[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = out[i]; out[i] = out[j]; out[j] = t;
    }
}
