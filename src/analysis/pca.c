/* PCA through dsyrk + dsyevd in double (see pca.h). */
#include "analysis/pca.h"
#include "analysis/sym_eig.h"
#include "core/error.h"
#include "core/threads.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pca_free(Pca *p) {
    free(p->mean);
    free(p->eigenvalues);
    free(p->components);
    memset(p, 0, sizeof *p);
}

static int pca_fit_(const float *x, int n, int d, int k, Pca *p);

/* BLAS single-threaded: OpenBLAS's multithreaded dsyrk rounds differently from the single-threaded one,
 * and the components (t-SNE's initialisation among others) must not depend on the thread count */
int pca_fit(const float *x, int n, int d, int k, Pca *p) {
    int old = mg_get_threads();
    mg_set_threads(1);
    int rc = pca_fit_(x, n, d, k, p);
    mg_set_threads(old);
    return rc;
}

static int pca_fit_(const float *x, int n, int d, int k, Pca *p) {
    memset(p, 0, sizeof *p);
    if (n < 2 || d < 1) return mg_error_set("pca: needs at least 2 rows of dimension >= 1 (got %d x %d)", n, d);
    int r = n - 1 < d ? n - 1 : d;
    if (k < 0 || k > r) return mg_error_set("pca: %d components asked, at most min(n - 1, d) = %d", k, r);
    double *mean = mg_xcalloc((size_t)d, sizeof(double));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) mean[j] += x[(size_t)i * d + j];
    for (int j = 0; j < d; j++) mean[j] /= n;
    double *xc = malloc((size_t)n * d * sizeof(double));
    if (!xc) { free(mean); return mg_error_set("pca: out of memory for %d x %d doubles", n, d); }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) xc[(size_t)i * d + j] = x[(size_t)i * d + j] - mean[j];
    int gram = d > n, m = gram ? n : d;
    double *a = malloc((size_t)m * m * sizeof(double)), *w = mg_xmalloc((size_t)m * sizeof(double));
    if (!a) { free(mean); free(xc); free(w); return mg_error_set("pca: out of memory for a %d x %d matrix", m, m); }
    memset(a, 0, (size_t)m * m * sizeof(double));
    double s = 1.0 / (n - 1);
    if (gram) cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, d, s, xc, d, 0.0, a, n);
    else cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, s, xc, d, 0.0, a, d);
    for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++) a[(size_t)j * m + i] = a[(size_t)i * m + j];
    double trace = 0;
    for (int i = 0; i < m; i++) trace += a[(size_t)i * m + i];
    int rc = sym_eig_desc("pca", a, m, w, k > 0);
    if (rc) { free(mean); free(xc); free(a); free(w); return -1; }
    p->n = n; p->d = d; p->r = r; p->k = k;
    p->mean = mean;
    p->total_variance = trace;
    p->eigenvalues = mg_xmalloc((size_t)r * sizeof(double));
    for (int i = 0; i < r; i++) p->eigenvalues[i] = w[i] > 0 ? w[i] : 0;
    p->components = mg_xcalloc((size_t)(k ? k : 1) * d, sizeof(double));
    double *score = mg_xmalloc((size_t)n * sizeof(double));
    for (int c = 0; c < k; c++) {
        double *v = p->components + (size_t)c * d;
        if (gram) {       /* v = Xc^T u / |Xc^T u| */
            cblas_dgemv(CblasRowMajor, CblasTrans, n, d, 1.0, xc, d, a + (size_t)c * n, 1, 0.0, v, 1);
            double nv = cblas_dnrm2(d, v, 1);
            if (nv > 0) cblas_dscal(d, 1.0 / nv, v, 1);
        } else {
            memcpy(v, a + (size_t)c * d, (size_t)d * sizeof(double));
        }
        cblas_dgemv(CblasRowMajor, CblasNoTrans, n, d, 1.0, xc, d, v, 1, 0.0, score, 1);
        int best = 0;
        for (int i = 1; i < n; i++) if (fabs(score[i]) > fabs(score[best])) best = i;
        if (score[best] < 0) cblas_dscal(d, -1.0, v, 1);
    }
    free(score); free(xc); free(a); free(w);
    return 0;
}

void pca_transform(const Pca *p, const float *x, int n, double *out) {
    double *row = mg_xmalloc((size_t)p->d * sizeof(double));
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < p->d; j++) row[j] = x[(size_t)i * p->d + j] - p->mean[j];
        for (int c = 0; c < p->k; c++) out[(size_t)i * p->k + c] = cblas_ddot(p->d, row, 1, p->components + (size_t)c * p->d, 1);
    }
    free(row);
}
