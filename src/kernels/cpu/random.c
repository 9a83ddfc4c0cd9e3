#include "kernels/random.h"

void cpu_dropout_mask(Rng *r, size_t n, float p, float *mask) {
    rng_uniform(r, mask, n, 0.0f, 1.0f);
    const float keep = 1.0f / (1.0f - p);
#pragma omp parallel for simd schedule(static) if (n > 32768)
    for (size_t i = 0; i < n; i++) mask[i] = mask[i] < p ? 0.0f : keep;
}
