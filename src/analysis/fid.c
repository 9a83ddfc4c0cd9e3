/* Feature statistics (double precision, dsyrk) and the Frechet distance (dsyevd twice).  See metrics.h. */
#include "analysis/metrics.h"
#include "core/error.h"
#include "core/threads.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK (Fortran symbols of the OpenBLAS build; no LAPACKE header needed).  The trailing size_t
 * arguments are the hidden lengths of the character arguments that gfortran passes. */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len, size_t uplo_len);

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

/* Eigenvalues (ascending) into w[n]; with vectors, a is overwritten by them (symmetric, so row/column
 * major agree: column j of the Fortran result = row j of a here). */
static int sym_eig_(double *a, int n, double *w, int vectors);
static int sym_eig(double *a, int n, double *w, int vectors) {
    /* one thread: dsyevd's tridiagonal reduction is a long chain of small BLAS-2 calls, each an OpenMP
     * region; on a loaded 2-core machine their synchronisation made FID at d = 2048 take 35-93 s against 5-6 s
     * single-threaded (docs/metrics.md) */
    int old = mg_get_threads();
    mg_set_threads(1);
    int rc = sym_eig_(a, n, w, vectors);
    mg_set_threads(old);
    return rc;
}

static int sym_eig_(double *a, int n, double *w, int vectors) {
    const char jobz = vectors ? 'V' : 'N', uplo = 'U';
    int lwork = -1, liwork = -1, info = 0, iq;
    double wq;
    dsyevd_(&jobz, &uplo, &n, a, &n, w, &wq, &lwork, &iq, &liwork, &info, 1, 1);
    if (info) return mg_error_set("fid: LAPACK dsyevd workspace query failed (info %d)", info);
    lwork = (int)wq + 1;
    liwork = iq > 1 ? iq : 1;
    double *work = mg_xmalloc((size_t)lwork * sizeof(double));
    int *iwork = mg_xmalloc((size_t)liwork * sizeof(int));
    dsyevd_(&jobz, &uplo, &n, a, &n, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    free(work);
    free(iwork);
    if (info) return mg_error_set("fid: LAPACK dsyevd failed (info %d): covariance is not finite?", info);
    return 0;
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
    int rc = sym_eig(v, d, w, 1);          /* S1 = V diag(w) V^T; row k of v = eigenvector k */
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
        rc = sym_eig(m, d, w, 0);
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
