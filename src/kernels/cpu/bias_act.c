#include "kernels/bias_act.h"
#include "kernels/cpu/sum_order.h"
#include "core/error.h"
#include <omp.h>
#include <stddef.h>
#include <string.h>

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

/* t for one pixel */
static inline float act_grad(float g, float out, int act, float pos, float neg) {
    return act ? g * (out > 0 ? pos : neg) : g;
}

/* the same for 16 pixels, as GCC vectors (lanewise, so the same rounding on any ISA) */
typedef int v16i __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v8d __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));

static inline v16f load16(const float *p) {
    v16f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline v16f act_grad16(v16f g, v16f out, int act, float pos, float neg) {
    if (!act) return g;
    const v16f zero = {0}, vp = zero + pos, vn = zero + neg;
    const v16i m = out > zero;                                   /* -1 where out > 0 */
    return g * (v16f)(((v16i)vp & m) | ((v16i)vn & ~m));
}

void cpu_bias_act_backward(const BiasAct *e, const float *g, const float *out, const float *x, BiasActGrads *d) {
    const int N = e->N, C = e->C, P = e->P, act = e->slope != 1.0f || e->gain != 1.0f;
    const float pos = e->gain, neg = e->slope * e->gain;
    MG_CHECK(N > 1 && C > 1 && P > 1 && (!d->dnoise || e->noise_n == N),
             "bias_act backward: N %d, C %d, P %d, noise of %d images", N, C, P, e->noise_n);
    MG_CHECK(!d->dnoise || omp_get_max_threads() <= d->threads, "bias_act backward: scratch for %d threads, %d running",
             d->threads, omp_get_max_threads());
    double *acc = d->dnoise ? d->noise_acc : NULL;                 /* per thread: dnoise of an image, in double */
    float *rowsum = d->db ? d->row_sums : NULL;                    /* per (n,c): sum_p t in lane order */
#pragma omp parallel
    {
        double *a = acc ? acc + (size_t)omp_get_thread_num() * P : NULL;
#pragma omp for schedule(static)
        for (int n = 0; n < N; n++) {
            if (a) memset(a, 0, (size_t)P * sizeof(double));
            for (int c = 0; c < C; c++) {
                const size_t r = (size_t)n * C + c, off = r * P;
                const float *gr = g + off, *orow = out + off, *xr = x + off;
                float *dxr = d->dx ? d->dx + off : NULL;
                const float sc = e->s ? e->s[r] : 1.0f;
                double ds4[4] = {0, 0, 0, 0};          /* trailing-run order (kernels/cpu/sum_order.h) */
                v16f lane = {0};                       /* kept-block order (kernels/cpu/sum_order.h) */
                int p = 0;
                v4d chains = {0, 0, 0, 0};             /* ds4 as one vector: chain k holds elements p % 4 == k */
                for (; p + 16 <= P; p += 16) {
                    const v16f t = act_grad16(load16(gr + p), load16(orow + p), act, pos, neg);
                    if (dxr) {
                        const v16f dv = e->s ? t * sc : t;
                        memcpy(dxr + p, &dv, sizeof dv);
                    }
                    if (d->ds) {                           /* float products, added to the chains in element order */
                        const v16f pr = t * load16(xr + p);
                        for (int q = 0; q < 4; q++) {
                            const v4f part = {pr[4 * q], pr[4 * q + 1], pr[4 * q + 2], pr[4 * q + 3]};
                            chains += __builtin_convertvector(part, v4d);
                        }
                    }
                    if (a)
                        for (int h = 0; h < 2; h++) {
                            const v8f half = {t[8 * h], t[8 * h + 1], t[8 * h + 2], t[8 * h + 3],
                                              t[8 * h + 4], t[8 * h + 5], t[8 * h + 6], t[8 * h + 7]};
                            v8d av;
                            memcpy(&av, a + p + 8 * h, sizeof av);
                            av += __builtin_convertvector(half, v8d);
                            memcpy(a + p + 8 * h, &av, sizeof av);
                        }
                    lane += t;
                }
                for (int k = 0; k < 4; k++) ds4[k] = chains[k];
                float s4 = lanes_total(lane);
                for (; p + 4 <= P; p += 4)               /* a tail of 4 or more: still four chains */
                    for (int j = 0; j < 4; j++) {
                        const float t = act_grad(gr[p + j], orow[p + j], act, pos, neg);
                        if (dxr) dxr[p + j] = e->s ? t * sc : t;
                        if (d->ds) ds4[j] += (float)(t * xr[p + j]);
                        if (a) a[p + j] += t;
                        s4 += t;
                    }
                double dsum = chains_total(ds4);
                for (; p < P; p++) {
                    const float t = act_grad(gr[p], orow[p], act, pos, neg);
                    if (dxr) dxr[p] = e->s ? t * sc : t;
                    if (d->ds) dsum += (float)(t * xr[p]);
                    if (a) a[p] += t;
                    s4 += t;
                }
                if (d->ds) d->ds[r] = (float)dsum;
                if (rowsum) rowsum[r] = s4;
            }
            if (a) for (int p = 0; p < P; p++) d->dnoise[(size_t)n * P + p] = (float)a[p];
        }
    }
    if (d->db)
        for (int c = 0; c < C; c++) {
            double sum = 0;
            for (int n = 0; n < N; n++) sum += rowsum[(size_t)n * C + c];
            d->db[c] = (float)sum;
        }
}
