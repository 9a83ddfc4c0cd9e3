#include "inversion/w_stats.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

int w_stats_compute(const Sg2 *g, int n, uint64_t seed, WStats *out) {
    const int zd = g->s.z_dim, d = g->s.w_dim, chunk = 1000;
    if (n < 2) return mg_error_set("w statistics: need at least 2 samples, got %d", n);
    double *sum = calloc((size_t)d, sizeof(double));
    float *w = mg_xmalloc((size_t)n * d * sizeof(float));
    if (!sum) mg_fatal("out of memory");
    Rng rng = rng_new(seed);
    int old = mg_set_grad_enabled(0);
    for (int i0 = 0; i0 < n; i0 += chunk) {
        const int m = n - i0 < chunk ? n - i0 : chunk;
        mg_step_reset();
        Tensor *z = tensor_new(TSHAPE(m, zd));
        rng_normal(&rng, z->data, (size_t)m * zd, 0, 1);
        Tensor *wt = sg2_mapping(g, z, sg2_onehot(g, m, NULL), 1.0f);                                       /* [m,Wd] */
        for (size_t k = 0; k < (size_t)m * d; k++) w[(size_t)i0 * d + k] = wt->data[k];
    }
    mg_set_grad_enabled(old);
    mg_step_reset();
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) sum[j] += w[(size_t)i * d + j];
    out->dim = d;
    out->avg = mg_xmalloc((size_t)d * sizeof(float));
    for (int j = 0; j < d; j++) out->avg[j] = (float)(sum[j] / n);
    double tot = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            double e = w[(size_t)i * d + j] - sum[j] / n;
            tot += e * e;
        }
    out->std = (float)sqrt(tot / n);
    free(sum);
    free(w);
    return 0;
}

void w_stats_free(WStats *s) {
    free(s->avg);
    s->avg = NULL;
}
