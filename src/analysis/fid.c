/* Feature statistics (double precision, dsyrk) and the Frechet distance (dsyevd twice).  See metrics.h. */
#include "analysis/metrics.h"
#include "analysis/sym_eig.h"
#include "core/error.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROW_BLOCK 512     /* rows converted to double per dsyrk call */

int feat_stats(const float *x, long n, int d, FeatStats *out) {
    memset(out, 0, sizeof *out);
    if (n < 2 || d < 1) return mg_error_set("fid: need at least 2 feature rows of dimension >= 1, got %ld x %d", n, d);
    double *mu = mg_xcalloc((size_t)d, sizeof(double));
    double *cov = mg_xcalloc((size_t)d * d, sizeof(double));
    for (long i = 0; i < n; i++) {
        const float *r = x + (size_t)i * d;
        for (int j = 0; j < d; j++) mu[j] += r[j];
    }
    for (int j = 0; j < d; j++) mu[j] /= (double)n;
    /* cov = sum_i (x_i - mu)(x_i - mu)^T / (n - 1): centred row blocks in double, one dsyrk each (upper) */
    double *blk = mg_xmalloc((size_t)ROW_BLOCK * d * sizeof(double));
    for (long i0 = 0; i0 < n; i0 += ROW_BLOCK) {
        int rows = (int)(n - i0 < ROW_BLOCK ? n - i0 : ROW_BLOCK);
        for (int i = 0; i < rows; i++) {
            const float *r = x + (size_t)(i0 + i) * d;
            double *b = blk + (size_t)i * d;
            for (int j = 0; j < d; j++) b[j] = r[j] - mu[j];
        }
        /* row-major: cov[d,d] += blk^T[d,rows] blk[rows,d] */
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, rows, 1.0, blk, d, 1.0, cov, d);
    }
    free(blk);
    double s = 1.0 / (double)(n - 1);
    for (int i = 0; i < d; i++)
        for (int j = i; j < d; j++) {
            cov[(size_t)i * d + j] *= s;
            cov[(size_t)j * d + i] = cov[(size_t)i * d + j];
        }
    *out = (FeatStats){.d = d, .n = n, .mu = mu, .cov = cov};
    return 0;
}

void feat_stats_free(FeatStats *s) {
    free(s->mu);
    free(s->cov);
    memset(s, 0, sizeof *s);
}

int fid_from_stats(const FeatStats *a, const FeatStats *b, double *fid) {
    if (a->d != b->d || a->d < 1) return mg_error_set("fid: feature dimensions differ (%d and %d)", a->d, b->d);
    const int d = a->d;
    const size_t dd = (size_t)d * d;
    double diff2 = 0, tr1 = 0, tr2 = 0;
    for (int j = 0; j < d; j++) {
        double t = a->mu[j] - b->mu[j];
        diff2 += t * t;
        tr1 += a->cov[(size_t)j * d + j];
        tr2 += b->cov[(size_t)j * d + j];
    }
    double *v = mg_xmalloc(dd * sizeof(double)), *w = mg_xmalloc((size_t)d * sizeof(double));
    double *t = mg_xmalloc(dd * sizeof(double)), *m = mg_xmalloc(dd * sizeof(double));
    memcpy(v, a->cov, dd * sizeof(double));
    int rc = sym_eig_desc("fid", v, d, w, 1);   /* S1 = V diag(w) V^T; row k of v = eigenvector k */
    if (!rc) {
        /* Wt[k,:] = sqrt(max(w_k,0)) * v_k  (Wt = W^T, W = V diag(sqrt w)) */
        for (int k = 0; k < d; k++) {
            double s = w[k] > 0 ? sqrt(w[k]) : 0;
            for (int j = 0; j < d; j++) v[(size_t)k * d + j] *= s;
        }
        /* T = S2 W = S2 Wt^T  [d,d];  M = Wt T = W^T S2 W */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d, d, d, 1.0, b->cov, d, v, d, 0.0, t, d);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, v, d, t, d, 0.0, m, d);
        for (int i = 0; i < d; i++)             /* symmetrise the round-off */
            for (int j = i + 1; j < d; j++) {
                double s = 0.5 * (m[(size_t)i * d + j] + m[(size_t)j * d + i]);
                m[(size_t)i * d + j] = m[(size_t)j * d + i] = s;
            }
        rc = sym_eig_desc("fid", m, d, w, 0);
    }
    if (!rc) {
        double trsqrt = 0;
        for (int k = 0; k < d; k++) trsqrt += w[k] > 0 ? sqrt(w[k]) : 0;
        *fid = diff2 + tr1 + tr2 - 2 * trsqrt;
    }
    free(v);
    free(w);
    free(t);
    free(m);
    return rc;
}

int fid_features(const float *x, long n, const float *y, long m, int d, double *fid) {
    FeatStats a, b;
    if (feat_stats(x, n, d, &a)) return -1;
    if (feat_stats(y, m, d, &b)) { feat_stats_free(&a); return -1; }
    int rc = fid_from_stats(&a, &b, fid);
    feat_stats_free(&a);
    feat_stats_free(&b);
    return rc;
}
