/* Kernel Inception Distance: unbiased MMD^2, cubic polynomial kernel, random subsets.  See metrics.h. */
#include "analysis/metrics.h"
#include "core/error.h"
#include "core/rng.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

KidOptions kid_default_options(void) { return (KidOptions){.subset_size = 1000, .n_subsets = 100, .seed = 0}; }

/* Draws s distinct rows of src[n,d] into dst[s,d] (double): a partial Fisher-Yates on idx, which stays
 * a permutation from one call to the next. */
static void draw_subset(Rng *rng, int *idx, long n, int s, const float *src, int d, double *dst) {
    for (int i = 0; i < s; i++) {
        long j = i + (long)rng_below(rng, (uint32_t)(n - i));
        int t = idx[i]; idx[i] = idx[j]; idx[j] = t;
        const float *r = src + (size_t)idx[i] * d;
        for (int k = 0; k < d; k++) dst[(size_t)i * d + k] = r[k];
    }
}

/* sum over all entries of (a b^T / d + 1)^3 [s,s], and its trace into *diag */
static double kernel_sum(const double *a, const double *b, int s, int d, double *g, double *diag) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s, s, d, 1.0 / d, a, d, b, d, 0.0, g, s);
    double tot = 0, tr = 0;
    for (int i = 0; i < s; i++)
        for (int j = 0; j < s; j++) {
            double k = g[(size_t)i * s + j] + 1;
            k = k * k * k;
            tot += k;
            if (i == j) tr += k;
        }
    if (diag) *diag = tr;
    return tot;
}

int kid_features(const float *x, long n, const float *y, long m, int d, KidOptions o, double *mean, double *std) {
    long s = o.subset_size;
    if (s > n) s = n;
    if (s > m) s = m;
    if (s < 2 || d < 1 || o.n_subsets < 1)
        return mg_error_set("kid: need subsets of at least 2 rows and at least one subset (sets of %ld and %ld rows)",
                            n, m);
    if (n > 2147483647L || m > 2147483647L) return mg_error_set("kid: too many rows");
    int *ix = mg_xmalloc((size_t)n * sizeof(int)), *iy = mg_xmalloc((size_t)m * sizeof(int));
    for (long i = 0; i < n; i++) ix[i] = (int)i;
    for (long i = 0; i < m; i++) iy[i] = (int)i;
    double *a = mg_xmalloc((size_t)s * d * sizeof(double)), *b = mg_xmalloc((size_t)s * d * sizeof(double));
    double *g = mg_xmalloc((size_t)s * s * sizeof(double));
    double *mmd = mg_xmalloc((size_t)o.n_subsets * sizeof(double));
    Rng rng = rng_new(o.seed);
    for (int t = 0; t < o.n_subsets; t++) {
        draw_subset(&rng, ix, n, (int)s, x, d, a);
        draw_subset(&rng, iy, m, (int)s, y, d, b);
        double dxx, dyy;
        double kxx = kernel_sum(a, a, (int)s, d, g, &dxx);
        double kyy = kernel_sum(b, b, (int)s, d, g, &dyy);
        double kxy = kernel_sum(a, b, (int)s, d, g, NULL);
        double ss = (double)s;
        mmd[t] = (kxx - dxx + kyy - dyy) / (ss * (ss - 1)) - 2 * kxy / (ss * ss);
    }
    double mu = 0, var = 0;
    for (int t = 0; t < o.n_subsets; t++) mu += mmd[t];
    mu /= o.n_subsets;
    for (int t = 0; t < o.n_subsets; t++) var += (mmd[t] - mu) * (mmd[t] - mu);
    *mean = mu;
    *std = sqrt(var / o.n_subsets);
    free(ix); free(iy); free(a); free(b); free(g); free(mmd);
    return 0;
}
