#include "kernels/bias_act.h"
#include <stddef.h>

/* Compiled without floating-point contraction (Makefile): every product is rounded before it is added,
 * as in the separate ops. */
void cpu_bias_act(const BiasAct *e, const float *x, float *out) {
    const long rows = (long)e->N * e->C;
    const int P = e->P;
    const float pos = e->gain, neg = e->slope * e->gain;
#pragma omp parallel for schedule(static) if ((long)rows * P > 32768)
    for (long r = 0; r < rows; r++) {
        const int n = (int)(r / e->C), c = (int)(r % e->C);
        const float *xr = x + (size_t)r * P;
        float *o = out + (size_t)r * P;
        const float sc = e->s ? e->s[r] : 1.0f, bias = e->b ? e->b[c] : 0.0f;
        const float *nz = e->noise ? e->noise + (size_t)(e->noise_n == 1 ? 0 : n) * P : NULL;
        if (e->s && nz && e->b) {                  /* the synthesis layer: modulated, noise, bias */
#pragma omp simd
            for (int p = 0; p < P; p++) {
                float v = xr[p] * sc;
                v = v + nz[p];
                v = v + bias;
                o[p] = v * (v > 0 ? pos : neg);
            }
        } else if (!e->s && !nz && e->b) {         /* the discriminator: bias and activation */
#pragma omp simd
            for (int p = 0; p < P; p++) {
                float v = xr[p] + bias;
                o[p] = v * (v > 0 ? pos : neg);
            }
        } else {                                   /* any other subset */
#pragma omp simd
            for (int p = 0; p < P; p++) {
                float v = e->s ? xr[p] * sc : xr[p];
                if (nz) v = v + nz[p];
                if (e->b) v = v + bias;
                o[p] = v * (v > 0 ? pos : neg);
            }
        }
    }
}
