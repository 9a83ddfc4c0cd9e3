/* Latent directions and their class statistics (see directions.h). */
#include "analysis/directions.h"
#include "analysis/sym_eig.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_name(Direction *d, const char *name) {
    snprintf(d->name, sizeof d->name, "%s", name);
}

void direction_free(Direction *d) {
    free(d->u);
    memset(d, 0, sizeof *d);
}

int direction_from_vector(Direction *d, const char *name, const double *v, int dim, double norm_override) {
    memset(d, 0, sizeof *d);
    double s = 0;
    for (int j = 0; j < dim; j++) s += v[j] * v[j];
    s = sqrt(s);
    if (!(s > 0) || !isfinite(s)) return mg_error_set("direction %s: the vector is zero or not finite", name);
    set_name(d, name);
    d->dim = dim;
    d->u = mg_xmalloc((size_t)dim * sizeof(double));
    for (int j = 0; j < dim; j++) d->u[j] = v[j] / s;
    d->norm = norm_override > 0 ? norm_override : s;
    return 0;
}

int direction_from_hyperplane(Direction *d, const char *name, const double *w, double b, int dim) {
    if (direction_from_vector(d, name, w, dim, 0)) return -1;
    d->bias = b / d->norm;
    d->has_hyperplane = 1;
    return 0;
}

int direction_mean_diff(Direction *d, const float *x, const int *y, int n, int dim) {
    double *m = mg_xcalloc((size_t)dim * 2, sizeof(double));
    long cnt[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        int c = y[i] != 0;
        cnt[c]++;
        for (int j = 0; j < dim; j++) m[(size_t)c * dim + j] += x[(size_t)i * dim + j];
    }
    if (!cnt[0] || !cnt[1]) { free(m); return mg_error_set("mean_diff: a class has no row"); }
    for (int j = 0; j < dim; j++) m[j] = m[(size_t)dim + j] / cnt[1] - m[j] / cnt[0];
    int rc = direction_from_vector(d, "mean_diff", m, dim, 0);
    free(m);
    return rc;
}

void direction_class_stats(Direction *d, const float *x, const int *y, int n) {
    double s[2] = {0, 0}, ss[2] = {0, 0};
    long cnt[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        double p = 0;
        for (int j = 0; j < d->dim; j++) p += d->u[j] * x[(size_t)i * d->dim + j];
        int c = y[i] != 0;
        cnt[c]++;
        s[c] += p;
        ss[c] += p * p;
    }
    double m0 = cnt[0] ? s[0] / cnt[0] : 0, m1 = cnt[1] ? s[1] / cnt[1] : 0;
    double v0 = cnt[0] > 1 ? (ss[0] - cnt[0] * m0 * m0) / (cnt[0] - 1) : 0;
    double v1 = cnt[1] > 1 ? (ss[1] - cnt[1] * m1 * m1) / (cnt[1] - 1) : 0;
    double pooled = cnt[0] + cnt[1] > 2 ? ((cnt[0] - 1) * v0 + (cnt[1] - 1) * v1) / (cnt[0] + cnt[1] - 2) : 0;
    if (m1 < m0) {                           /* turn towards class 1 */
        for (int j = 0; j < d->dim; j++) d->u[j] = -d->u[j];
        d->bias = -d->bias;
        m0 = -m0;
        m1 = -m1;
    }
    d->separation = m1 - m0;
    d->separation_sd = pooled > 0 ? d->separation / sqrt(pooled) : 0;
    if (!d->has_hyperplane) d->bias = -0.5 * (m0 + m1);
}

int direction_orthogonalize(Direction *d, const double *v, int dim) {
    double vv = 0, uv = 0;
    for (int j = 0; j < dim; j++) { vv += v[j] * v[j]; uv += d->u[j] * v[j]; }
    if (!(vv > 0)) return mg_error_set("orthogonalize %s: the confounder direction is zero", d->name);
    double s = 0;
    for (int j = 0; j < dim; j++) {
        d->u[j] -= uv / vv * v[j];
        s += d->u[j] * d->u[j];
    }
    s = sqrt(s);
    if (s < 1e-6) return mg_error_set("orthogonalize %s: it is parallel to the confounder direction", d->name);
    for (int j = 0; j < dim; j++) d->u[j] /= s;
    d->has_hyperplane = 0;                   /* the hyperplane of the old normal no longer applies */
    return 0;
}

double direction_cosine(const double *a, const double *b, int dim) {
    double ab = 0, aa = 0, bb = 0;
    for (int j = 0; j < dim; j++) { ab += a[j] * b[j]; aa += a[j] * a[j]; bb += b[j] * b[j]; }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

int sefa(const float *A, int rows, int dim, int k, int normalize_rows, double *dirs, double *eigenvalues) {
    if (rows < 1 || dim < 1 || k < 1 || k > dim)
        return mg_error_set("sefa: %d x %d weights, %d directions (needs 1 <= k <= %d)", rows, dim, k, dim);
    double *a = mg_xmalloc((size_t)rows * dim * sizeof(double));
    for (int r = 0; r < rows; r++) {
        double s = 0;
        for (int j = 0; j < dim; j++) s += (double)A[(size_t)r * dim + j] * A[(size_t)r * dim + j];
        s = normalize_rows ? sqrt(s) : 1;
        if (!(s > 0)) s = 1;
        for (int j = 0; j < dim; j++) a[(size_t)r * dim + j] = A[(size_t)r * dim + j] / s;
    }
    double *g = mg_xcalloc((size_t)dim * dim, sizeof(double)), *w = mg_xmalloc((size_t)dim * sizeof(double));
    for (int r = 0; r < rows; r++) {          /* A^T A, plain sums (small: dim <= a few thousand) */
        const double *ar = a + (size_t)r * dim;
        for (int i = 0; i < dim; i++) {
            double v = ar[i];
            if (v == 0) continue;
            double *gi = g + (size_t)i * dim;
            for (int j = i; j < dim; j++) gi[j] += v * ar[j];
        }
    }
    for (int i = 0; i < dim; i++)
        for (int j = 0; j < i; j++) g[(size_t)i * dim + j] = g[(size_t)j * dim + i];
    int rc = sym_eig_desc("sefa", g, dim, w, 1);
    if (!rc) {
        memcpy(dirs, g, (size_t)k * dim * sizeof(double));
        for (int c = 0; c < k; c++) eigenvalues[c] = w[c];
    }
    free(a); free(g); free(w);
    return rc;
}
