/* Normalisation kernels: one group (channel, or (n,c) plane) per OpenMP iteration; each
 * group's statistics are double sums in a fixed order, so the thread count does not matter. */
#include "kernels/norm.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

#define PAR_MIN 32768L   /* below this many elements the loops run on one thread */

static inline const float *run_at(const float *x, int o, int G, int c, long S) {
    return x + ((size_t)o * G + c) * (size_t)S;
}

void cpu_norm_forward(int outer, int G, long S, int gC, const float *x, const float *gamma, const float *beta,
                      float eps, float *y, float *mean, float *rstd, float *var) {
    const long total = (long)outer * G * S;
    const double M = (double)outer * S;
#pragma omp parallel for schedule(static) if (total > PAR_MIN)
    for (int c = 0; c < G; c++) {
        double s = 0;
        for (int o = 0; o < outer; o++) {
            const float *p = run_at(x, o, G, c, S);
            double a = 0;
#pragma omp simd reduction(+ : a)
            for (long i = 0; i < S; i++) a += p[i];
            s += a;
        }
        const double mu = s / M;
        double q = 0;
        for (int o = 0; o < outer; o++) {
            const float *p = run_at(x, o, G, c, S);
            double a = 0;
#pragma omp simd reduction(+ : a)
            for (long i = 0; i < S; i++) { double d = p[i] - mu; a += d * d; }
            q += a;
        }
        const double v = q / M, r = 1.0 / sqrt(v + eps);
        mean[c] = (float)mu;
        rstd[c] = (float)r;
        if (var) var[c] = (float)v;
        const double gm = gamma ? gamma[c % gC] : 1.0, bt = beta ? beta[c % gC] : 0.0;
        const float k = (float)(r * gm), b = (float)(bt - mu * r * gm);
        for (int o = 0; o < outer; o++) {
            const float *p = run_at(x, o, G, c, S);
            float *py = y + (p - x);
#pragma omp simd
            for (long i = 0; i < S; i++) py[i] = p[i] * k + b;
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

void cpu_norm_backward(int outer, int G, long S, int gC, const float *x, const float *g, const float *mean,
                       const float *rstd, const float *gamma, float *gx, float *ggamma, float *gbeta) {
    const long total = (long)outer * G * S;
    const double M = (double)outer * S;
    double *sg = mg_xmalloc(2 * (size_t)G * sizeof *sg), *sgxh = sg + G;
#pragma omp parallel for schedule(static) if (total > PAR_MIN)
    for (int c = 0; c < G; c++) {
        const double mu = mean[c], r = rstd[c];
        double a1 = 0, a2 = 0;
        for (int o = 0; o < outer; o++) {
            const float *px = run_at(x, o, G, c, S), *pg = g + (px - x);
            double b1 = 0, b2 = 0;
#pragma omp simd reduction(+ : b1, b2)
            for (long i = 0; i < S; i++) { b1 += pg[i]; b2 += (double)pg[i] * (px[i] - mu); }
            a1 += b1;
            a2 += b2;
        }
        sg[c] = a1;
        sgxh[c] = a2 * r;                               /* sum(g * xhat) */
        if (!gx) continue;
        /* gx = k (g - mean(g) - xhat mean(g xhat)) = A g + B x + D, k = gamma rstd */
        const double k = r * (gamma ? gamma[c % gC] : 1.0), mgr = a1 / M, mgx = sgxh[c] / M;
        const float A = (float)k, B = (float)(-k * r * mgx), D = (float)(-k * mgr + k * r * mgx * mu);
        for (int o = 0; o < outer; o++) {
            const float *px = run_at(x, o, G, c, S), *pg = g + (px - x);
            float *po = gx + (px - x);
#pragma omp simd
            for (long i = 0; i < S; i++) po[i] = A * pg[i] + B * px[i] + D;
        }
    }
    if (ggamma) fold_groups(G, gC, sgxh, ggamma);
    if (gbeta) fold_groups(G, gC, sg, gbeta);
    free(sg);
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
