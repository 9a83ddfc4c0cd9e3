/* Perceptual path length.  See ppl.h. */
#include "analysis/ppl.h"
#include "core/error.h"
#include "core/rng.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

PplOptions ppl_default_options(void) {
    return (PplOptions){.n_samples = 10000, .batch = 100, .eps = 1e-4, .lerp = 0, .seed = 0};
}

void ppl_interpolate(const double *z1, const double *z2, int zdim, double t, int lerp, double *out) {
    double n1 = 0, n2 = 0, dot = 0;
    for (int k = 0; k < zdim; k++) { n1 += z1[k] * z1[k]; n2 += z2[k] * z2[k]; dot += z1[k] * z2[k]; }
    double c = n1 > 0 && n2 > 0 ? dot / sqrt(n1 * n2) : 1;
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    double om = acos(c), s = sin(om);
    if (lerp || s < 1e-12) {             /* (anti)parallel codes: slerp degenerates to lerp */
        for (int k = 0; k < zdim; k++) out[k] = (1 - t) * z1[k] + t * z2[k];
        return;
    }
    double a = sin((1 - t) * om) / s, b = sin(t * om) / s;
    for (int k = 0; k < zdim; k++) out[k] = a * z1[k] + b * z2[k];
}

void ppl_pairs(const PplModel *m, const double *z1, const double *z2, const double *t, int n, double eps, int lerp,
               double *d) {
    const int zd = m->zdim, od = m->out_dim, fd = m->embed ? m->fdim : m->out_dim;
    float *z = mg_xmalloc((size_t)2 * n * zd * sizeof(float));             /* [2n, zdim]: (t, t+eps) per pair */
    float *x = mg_xmalloc((size_t)2 * n * od * sizeof(float));
    float *f = m->embed ? mg_xmalloc((size_t)2 * n * fd * sizeof(float)) : x;
    double *tmp = mg_xmalloc((size_t)zd * sizeof(double));
    for (int i = 0; i < n; i++)
        for (int h = 0; h < 2; h++) {
            ppl_interpolate(z1 + (size_t)i * zd, z2 + (size_t)i * zd, zd, t[i] + h * eps, lerp, tmp);
            for (int k = 0; k < zd; k++) z[((size_t)2 * i + h) * zd + k] = (float)tmp[k];
        }
    m->gen(m->gen_ctx, z, 2 * n, x);
    if (m->embed) m->embed(m->embed_ctx, x, 2 * n, f);
    for (int i = 0; i < n; i++) {
        const float *a = f + (size_t)2 * i * fd, *b = a + fd;
        double s = 0;
        for (int k = 0; k < fd; k++) s += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
        d[i] = s / (eps * eps);
    }
    free(z); free(x); free(tmp);
    if (m->embed) free(f);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int ppl_compute(const PplModel *m, PplOptions o, double *ppl, double *plain_mean) {
    if (o.n_samples < 2 || o.batch < 1 || !(o.eps > 0) || m->zdim < 1 || m->out_dim < 1 || (m->embed && m->fdim < 1))
        return mg_error_set("ppl: need at least 2 samples, a batch >= 1, eps > 0 and positive dimensions");
    const int zd = m->zdim, n = o.n_samples, bs = o.batch < n ? o.batch : n;
    double *z1 = mg_xmalloc((size_t)bs * zd * sizeof(double)), *z2 = mg_xmalloc((size_t)bs * zd * sizeof(double));
    double *t = mg_xmalloc((size_t)bs * sizeof(double)), *d = mg_xmalloc((size_t)n * sizeof(double));
    float *buf = mg_xmalloc((size_t)2 * bs * zd * sizeof(float));
    Rng rng = rng_new(o.seed);
    for (int i0 = 0; i0 < n; i0 += bs) {
        int b = n - i0 < bs ? n - i0 : bs;
        rng_normal(&rng, buf, (size_t)2 * b * zd, 0, 1);
        for (size_t k = 0; k < (size_t)b * zd; k++) { z1[k] = buf[k]; z2[k] = buf[(size_t)b * zd + k]; }
        for (int i = 0; i < b; i++) t[i] = rng_uniform1(&rng) * (1 - o.eps);    /* t + eps stays in [0, 1] */
        ppl_pairs(m, z1, z2, t, b, o.eps, o.lerp, d + i0);
    }
    double all = 0;
    for (int i = 0; i < n; i++) all += d[i];
    qsort(d, (size_t)n, sizeof *d, cmp_double);
    /* numpy percentile(1, 'lower') and percentile(99, 'higher') */
    double lo = d[(int)floor(0.01 * (n - 1))], hi = d[(int)ceil(0.99 * (n - 1))], s = 0;
    long k = 0;
    for (int i = 0; i < n; i++)
        if (d[i] >= lo && d[i] <= hi) { s += d[i]; k++; }
    *ppl = s / (double)k;
    *plain_mean = all / n;
    free(z1); free(z2); free(t); free(d); free(buf);
    return 0;
}
