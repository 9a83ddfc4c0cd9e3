/* Improved precision and recall (Kynkaanniemi et al. 2019): k-nearest-neighbour manifolds.  See metrics.h.
 * Squared distances |a|^2 + |b|^2 - 2 a.b with the products from dgemm, on blocks of rows. */
#include "analysis/metrics.h"
#include "core/error.h"
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#define BLK 256

static void to_double(const float *x, long n, int d, double *out, double *norm2) {
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double v = x[(size_t)i * d + k];
            out[(size_t)i * d + k] = v;
            s += v * v;
        }
        norm2[i] = s;
    }
}

/* dist[r, j] = |a_(i0+r) - b_j|^2 for r < rows, j < nb */
static void sqdist_block(const double *a, const double *na, long i0, int rows, const double *b, const double *nb_,
                         long nb, int d, double *dist) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, (int)nb, d, -2.0, a + (size_t)i0 * d, d, b, d, 0.0,
                dist, (int)nb);
    for (int r = 0; r < rows; r++)
        for (long j = 0; j < nb; j++) {
            double v = dist[(size_t)r * nb + j] + na[i0 + r] + nb_[j];
            dist[(size_t)r * nb + j] = v > 0 ? v : 0;
        }
}

/* radius2[i] = squared distance from a_i to its k-th nearest other point of a (self excluded by
 * index: the k+1 smallest of row i including the self distance, whatever round-off makes of it). */
static void knn_radii(const double *a, const double *na, long n, int d, int k, double *radius2, double *dist) {
    double best[64];
    for (long i0 = 0; i0 < n; i0 += BLK) {
        int rows = (int)(n - i0 < BLK ? n - i0 : BLK);
        sqdist_block(a, na, i0, rows, a, na, n, d, dist);
        for (int r = 0; r < rows; r++) {
            int cnt = 0;                        /* best[0..cnt) ascending, at most k+1 kept */
            for (long j = 0; j < n; j++) {
                double v = j == i0 + r ? 0 : dist[(size_t)r * n + j];
                if (cnt == k + 1 && v >= best[k]) continue;
                int p = cnt < k + 1 ? cnt++ : k;
                while (p > 0 && best[p - 1] > v) { best[p] = best[p - 1]; p--; }
                best[p] = v;
            }
            radius2[i0 + r] = best[k];
        }
    }
}

/* share of the points q_i inside the union of balls (p_j, radius2_j) */
static double coverage(const double *q, const double *nq, long nqn, const double *p, const double *np_, long npn,
                       int d, const double *radius2, double *dist) {
    long inside = 0;
    for (long i0 = 0; i0 < nqn; i0 += BLK) {
        int rows = (int)(nqn - i0 < BLK ? nqn - i0 : BLK);
        sqdist_block(q, nq, i0, rows, p, np_, npn, d, dist);
        for (int r = 0; r < rows; r++)
            for (long j = 0; j < npn; j++)
                if (dist[(size_t)r * npn + j] <= radius2[j]) { inside++; break; }
    }
    return (double)inside / (double)nqn;
}

int precision_recall(const float *real, long n, const float *fake, long m, int d, int k, double *precision,
                     double *recall) {
    if (k < 1 || k > 63 || k >= n || k >= m || d < 1)
        return mg_error_set("precision/recall: need 1 <= k <= 63 and more than k rows in each set (k %d, %ld and %ld rows)",
                            k, n, m);
    long big = n > m ? n : m;
    double *r = mg_xmalloc((size_t)n * d * sizeof(double)), *f = mg_xmalloc((size_t)m * d * sizeof(double));
    double *nr = mg_xmalloc((size_t)n * sizeof(double)), *nf = mg_xmalloc((size_t)m * sizeof(double));
    double *rr = mg_xmalloc((size_t)n * sizeof(double)), *rf = mg_xmalloc((size_t)m * sizeof(double));
    double *dist = mg_xmalloc((size_t)BLK * big * sizeof(double));
    to_double(real, n, d, r, nr);
    to_double(fake, m, d, f, nf);
    knn_radii(r, nr, n, d, k, rr, dist);
    knn_radii(f, nf, m, d, k, rf, dist);
    *precision = coverage(f, nf, m, r, nr, n, d, rr, dist);
    *recall = coverage(r, nr, n, f, nf, m, d, rf, dist);
    free(r); free(f); free(nr); free(nf); free(rr); free(rf); free(dist);
    return 0;
}
