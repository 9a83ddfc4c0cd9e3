/* Normalisation kernels.  Layout [outer, G, S] (kernels/norm.h): G statistic groups, each made of
 * `outer` runs of S contiguous elements.  Each pass walks the runs in memory order, spread over the
 * threads, and writes one double sum per run into an [outer, G] table; a group's statistic then adds
 * its runs' sums in increasing o.  So each group's sums run in a fixed order whatever the thread
 * count, and batch norm over small planes (the course DCGAN's 3x3 to 13x13, 128 images) reads memory
 * as one stream instead of 128 short strided runs per channel (about 2x faster in the course step). */
#include "kernels/norm.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

#define PAR_MIN 32768L   /* below this many elements the loops run on one thread */

static inline const float *run_at(const float *x, int o, int G, int c, long S) {
    return x + ((size_t)o * G + c) * (size_t)S;
}

/* one run's sums, each in the order its simd reduction gives (the same code for every run) */
static inline double run_sum(const float *p, long S) {
    double a = 0;
#pragma omp simd reduction(+ : a)
    for (long i = 0; i < S; i++) a += p[i];
    return a;
}

static inline double run_sum_sq_dev(const float *p, long S, double mu) {
    double a = 0;
#pragma omp simd reduction(+ : a)
    for (long i = 0; i < S; i++) { double d = p[i] - mu; a += d * d; }
    return a;
}

/* sum over o of part[o*G + c], in increasing o */
static inline double fold_runs(const double *part, int outer, int G, int c) {
    double s = 0;
    for (int o = 0; o < outer; o++) s += part[(size_t)o * G + c];
    return s;
}

void cpu_norm_forward(int outer, int G, long S, int gC, const float *x, const float *gamma, const float *beta,
                      float eps, int act, float slope, float *y, float *mean, float *rstd, float *var, double *scratch) {
    const long runs = (long)outer * G, total = runs * S;
    const double M = (double)outer * S;
    double *part = scratch, *mu = part + runs;        /* [outer*G] run sums, [G] means */
    float *kb = (float *)(mu + G);                    /* [G] scale, [G] shift */
#pragma omp parallel if (total > PAR_MIN)
    {
#pragma omp for schedule(static)
        for (long r = 0; r < runs; r++) part[r] = run_sum(x + r * S, S);
#pragma omp for schedule(static)
        for (int c = 0; c < G; c++) mu[c] = fold_runs(part, outer, G, c) / M;
#pragma omp for schedule(static)
        for (long r = 0; r < runs; r++) part[r] = run_sum_sq_dev(x + r * S, S, mu[r % G]);
#pragma omp for schedule(static)
        for (int c = 0; c < G; c++) {
            const double v = fold_runs(part, outer, G, c) / M, rs = 1.0 / sqrt(v + eps);
            mean[c] = (float)mu[c];
            rstd[c] = (float)rs;
            if (var) var[c] = (float)v;
            const double gm = gamma ? gamma[c % gC] : 1.0, bt = beta ? beta[c % gC] : 0.0;
            kb[c] = (float)(rs * gm);
            kb[G + c] = (float)(bt - mu[c] * rs * gm);
        }
#pragma omp for schedule(static)
        for (long r = 0; r < runs; r++) {
            const float *p = x + r * S, k = kb[r % G], b = kb[G + r % G];
            float *py = y + r * S;
            if (act) {
#pragma omp simd
                for (long i = 0; i < S; i++) { const float v = p[i] * k + b; py[i] = v > 0 ? v : slope * v; }
            } else {
#pragma omp simd
                for (long i = 0; i < S; i++) py[i] = p[i] * k + b;
            }
        }
    }
}

void cpu_norm_apply(int outer, int G, long S, int gC, const float *x, const float *mean, const float *rstd,
                    const float *gamma, const float *beta, float *y) {
    const long total = (long)outer * G * S;
#pragma omp parallel for collapse(2) schedule(static) if (total > PAR_MIN)
    for (int o = 0; o < outer; o++)
        for (int c = 0; c < G; c++) {
            const double gm = gamma ? gamma[c % gC] : 1.0, bt = beta ? beta[c % gC] : 0.0;
            const float k = (float)(rstd[c] * gm), b = (float)(bt - (double)mean[c] * rstd[c] * gm);
            const float *p = run_at(x, o, G, c, S);
            float *py = y + (p - x);
#pragma omp simd
            for (long i = 0; i < S; i++) py[i] = p[i] * k + b;
        }
}

/* per-group sums folded into gC channels in increasing group order */
static void fold_groups(int G, int gC, const double *part, float *out) {
    for (int c = 0; c < gC; c++) {
        double s = 0;
        for (int k = c; k < G; k += gC) s += part[k];
        out[c] = (float)s;
    }
}

/* the gradient reaching the normalisation at element i of a run: g, or g through the activation whose
 * output is y; each loop below is written once per case (a test inside it would keep it scalar) */
#define G_PLAIN(i) pg[i]
#define G_ACT(i) (pg[i] * (py[i] > 0 ? 1.0f : slope))
#define RUN_SUMS(GI)                                                                                 \
    _Pragma("omp simd reduction(+ : b1, b2)")                                                        \
    for (long i = 0; i < S; i++) { const float gi = GI(i); b1 += gi; b2 += (double)gi * (px[i] - mu); }
#define RUN_GX(GI)                                                                                   \
    _Pragma("omp simd")                                                                              \
    for (long i = 0; i < S; i++) po[i] = A * GI(i) + B * px[i] + D;

void cpu_norm_backward(int outer, int G, long S, int gC, const float *x, const float *g, const float *y, float slope,
                       const float *mean, const float *rstd, const float *gamma, float *gx, float *ggamma, float *gbeta,
                       double *scratch) {
    const long runs = (long)outer * G, total = runs * S;
    const double M = (double)outer * S;
    /* run sums of g and g (x - mean): [outer*G] each; per group sum(g), sum(g xhat): [G] each */
    double *p1 = scratch, *p2 = p1 + runs, *sg = p2 + runs, *sgxh = sg + G;
    float *abd = (float *)(sgxh + G);                /* gx = A g + B x + D per group: [3, G] */
#pragma omp parallel if (total > PAR_MIN)
    {
#pragma omp for schedule(static)
        for (long r = 0; r < runs; r++) {
            const float *px = x + r * S, *pg = g + r * S, *py = y ? y + r * S : NULL;
            const double mu = mean[r % G];
            double b1 = 0, b2 = 0;
            if (py) { RUN_SUMS(G_ACT) } else { RUN_SUMS(G_PLAIN) }
            p1[r] = b1;
            p2[r] = b2;
        }
#pragma omp for schedule(static)
        for (int c = 0; c < G; c++) {
            const double r = rstd[c], a1 = fold_runs(p1, outer, G, c), a2 = fold_runs(p2, outer, G, c);
            sg[c] = a1;
            sgxh[c] = a2 * r;                               /* sum(g * xhat) */
            /* gx = k (g - mean(g) - xhat mean(g xhat)) = A g + B x + D, k = gamma rstd */
            const double k = r * (gamma ? gamma[c % gC] : 1.0), mgr = a1 / M, mgx = sgxh[c] / M, mu = mean[c];
            abd[c] = (float)k;
            abd[G + c] = (float)(-k * r * mgx);
            abd[2 * G + c] = (float)(-k * mgr + k * r * mgx * mu);
        }
        if (gx) {
#pragma omp for schedule(static)
            for (long r = 0; r < runs; r++) {
                const float *px = x + r * S, *pg = g + r * S, *py = y ? y + r * S : NULL;
                const float A = abd[r % G], B = abd[G + r % G], D = abd[2 * G + r % G];
                float *po = gx + r * S;
                if (py) { RUN_GX(G_ACT) } else { RUN_GX(G_PLAIN) }
            }
        }
    }
    if (ggamma) fold_groups(G, gC, sgxh, ggamma);
    if (gbeta) fold_groups(G, gC, sg, gbeta);
}

void cpu_norm_update_running(int C, const float *mean, const float *var, long M, float momentum,
                             float *running_mean, float *running_var) {
    const double unbias = M > 1 ? (double)M / (M - 1) : 1.0;
    for (int c = 0; c < C; c++) {
        running_mean[c] = (float)((1.0 - momentum) * running_mean[c] + (double)momentum * mean[c]);
        running_var[c] = (float)((1.0 - momentum) * running_var[c] + (double)momentum * var[c] * unbias);
    }
}

/* ---- references: the textbook formulas, element by element ---- */

void ref_norm_forward(int outer, int G, long S, int gC, const float *x, const float *gamma, const float *beta,
                      float eps, float *y, float *mean, float *rstd, float *var) {
    const double M = (double)outer * S;
    for (int c = 0; c < G; c++) {
        double s = 0, q = 0;
        for (int o = 0; o < outer; o++)
            for (long i = 0; i < S; i++) s += run_at(x, o, G, c, S)[i];
        double mu = s / M;
        for (int o = 0; o < outer; o++)
            for (long i = 0; i < S; i++) { double d = run_at(x, o, G, c, S)[i] - mu; q += d * d; }
        double v = q / M, r = 1.0 / sqrt(v + eps);
        mean[c] = (float)mu;
        rstd[c] = (float)r;
        if (var) var[c] = (float)v;
        for (int o = 0; o < outer; o++)
            for (long i = 0; i < S; i++) {
                size_t e = ((size_t)o * G + c) * S + i;
                double xh = (x[e] - mu) * r;
                y[e] = (float)(xh * (gamma ? gamma[c % gC] : 1.0) + (beta ? beta[c % gC] : 0.0));
            }
    }
}

void ref_norm_backward(int outer, int G, long S, int gC, const float *x, const float *g, const float *mean,
                       const float *rstd, const float *gamma, float *gx, float *ggamma, float *gbeta) {
    const double M = (double)outer * S;
    if (ggamma) for (int c = 0; c < gC; c++) ggamma[c] = 0;
    if (gbeta) for (int c = 0; c < gC; c++) gbeta[c] = 0;
    for (int c = 0; c < G; c++) {
        double gm = gamma ? gamma[c % gC] : 1.0, m_gxh = 0, m_gxh_xh = 0, sgb = 0, sgg = 0;
        for (int o = 0; o < outer; o++)
            for (long i = 0; i < S; i++) {
                size_t e = ((size_t)o * G + c) * S + i;
                double xh = (x[e] - mean[c]) * (double)rstd[c];
                m_gxh += g[e] * gm / M;
                m_gxh_xh += g[e] * gm * xh / M;
                sgb += g[e];
                sgg += g[e] * xh;
            }
        if (ggamma) ggamma[c % gC] += (float)sgg;
        if (gbeta) gbeta[c % gC] += (float)sgb;
        if (gx)
            for (int o = 0; o < outer; o++)
                for (long i = 0; i < S; i++) {
                    size_t e = ((size_t)o * G + c) * S + i;
                    double xh = (x[e] - mean[c]) * (double)rstd[c];
                    gx[e] = (float)(rstd[c] * (g[e] * gm - m_gxh - xh * m_gxh_xh));
                }
    }
}
