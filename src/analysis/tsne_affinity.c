/* t-SNE input affinities: exact k nearest neighbours, the perplexity binary search, symmetrisation
 * (see tsne.h).  Distances in double: x x^T blocks by dgemm, |xi|^2 + |xj|^2 - 2 xi.xj. */
#include "analysis/tsne.h"
#include "core/error.h"
#include "core/threads.h"
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KNN_BLOCK 256         /* rows of distances per dgemm */

void sparse_p_free(SparseP *P) {
    free(P->rowptr);
    free(P->col);
    free(P->val);
    memset(P, 0, sizeof *P);
}

/* (a, ia) before (b, ib): smaller distance, then smaller index */
static int before(double a, int ia, double b, int ib) { return a < b || (a == b && ia < ib); }

/* max-heap of k (distance, index) pairs: the root is the worst kept */
static void heap_push_pop(double *hd, int *hi, int *size, int k, double d, int j) {
    if (*size < k) {                          /* sift up */
        int c = (*size)++;
        while (c > 0) {
            int p = (c - 1) / 2;
            if (!before(hd[p], hi[p], d, j)) break;
            hd[c] = hd[p]; hi[c] = hi[p];
            c = p;
        }
        hd[c] = d; hi[c] = j;
        return;
    }
    if (!before(d, j, hd[0], hi[0])) return;
    int c = 0;                                /* replace the root, sift down */
    for (;;) {
        int l = 2 * c + 1, r = l + 1, m = c;
        double md = d; int mi = j;
        if (l < k && before(md, mi, hd[l], hi[l])) { m = l; md = hd[l]; mi = hi[l]; }
        if (r < k && before(md, mi, hd[r], hi[r])) { m = r; }
        if (m == c) break;
        hd[c] = hd[m]; hi[c] = hi[m];
        c = m;
    }
    hd[c] = d; hi[c] = j;
}

/* sorts k pairs ascending by (distance, index) (insertion sort: k is small) */
static void sort_pairs(double *hd, int *hi, int k) {
    for (int a = 1; a < k; a++) {
        double d = hd[a]; int j = hi[a], b = a - 1;
        while (b >= 0 && before(d, j, hd[b], hi[b])) { hd[b + 1] = hd[b]; hi[b + 1] = hi[b]; b--; }
        hd[b + 1] = d; hi[b + 1] = j;
    }
}

/* Squared distances of rows i0..i0+rows-1 to all rows: blk [rows, n].  One single-threaded dgemm:
 * OpenBLAS rounds differently with other thread counts (even inside an OpenMP region), and the
 * neighbours must not depend on the thread count. */
void tsne_sq_dist_block(const double *xd, const double *nrm, int n, int d, int i0, int rows, double *blk) {
    int old = mg_get_threads();
    mg_set_threads(1);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, d, -2.0, xd + (size_t)i0 * d, d, xd, d, 0.0, blk, n);
    mg_set_threads(old);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < n; j++) {
            double v = blk[(size_t)r * n + j] + nrm[i0 + r] + nrm[j];
            blk[(size_t)r * n + j] = v > 0 ? v : 0;
        }
}

void tsne_knn(const float *x, int n, int d, int k, int *idx, double *dist2) {
    double *xd = mg_xmalloc((size_t)n * d * sizeof(double)), *nrm = mg_xmalloc((size_t)n * sizeof(double));
    for (size_t i = 0; i < (size_t)n * d; i++) xd[i] = x[i];
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += xd[(size_t)i * d + j] * xd[(size_t)i * d + j];
        nrm[i] = s;
    }
    double *blk = mg_xmalloc((size_t)KNN_BLOCK * n * sizeof(double));
    for (int i0 = 0; i0 < n; i0 += KNN_BLOCK) {
        int rows = n - i0 < KNN_BLOCK ? n - i0 : KNN_BLOCK;
        tsne_sq_dist_block(xd, nrm, n, d, i0, rows, blk);
        #pragma omp parallel for schedule(static)
        for (int r = 0; r < rows; r++) {
            int i = i0 + r, size = 0;
            double *hd = dist2 + (size_t)i * k;
            int *hi = idx + (size_t)i * k;
            for (int j = 0; j < n; j++)
                if (j != i) heap_push_pop(hd, hi, &size, k, blk[(size_t)r * n + j], j);
            sort_pairs(hd, hi, k);
        }
    }
    free(blk);
    free(xd);
    free(nrm);
}

/* scikit-learn's _binary_search_perplexity, in double */
void tsne_conditional_p(const double *dist2, int n, int k, double perplexity, double *p) {
    const double target = log(perplexity), tol = 1e-5;
    #pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        const double *dd = dist2 + (size_t)i * k;
        double *pi = p + (size_t)i * k;
        double beta = 1, lo = -INFINITY, hi = INFINITY;
        for (int step = 0; step < 100; step++) {
            double sum = 0, sdp = 0;
            for (int j = 0; j < k; j++) { pi[j] = exp(-dd[j] * beta); sum += pi[j]; }
            if (sum == 0) sum = 1e-8;
            for (int j = 0; j < k; j++) { pi[j] /= sum; sdp += dd[j] * pi[j]; }
            double diff = log(sum) + beta * sdp - target;
            if (fabs(diff) <= tol) break;
            if (diff > 0) { lo = beta; beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2; }
            else { hi = beta; beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2; }
        }
    }
}

typedef struct Triplet {
    int i, j;
    double v;
} Triplet;

static int cmp_triplet(const void *a, const void *b) {
    const Triplet *x = a, *y = b;
    if (x->i != y->i) return x->i < y->i ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

void tsne_symmetrize(const int *idx, const double *p, int n, int k, SparseP *P) {
    size_t m = (size_t)2 * n * k;
    Triplet *t = mg_xmalloc(m * sizeof *t);
    for (int i = 0; i < n; i++)
        for (int a = 0; a < k; a++) {
            size_t e = (size_t)i * k + a;
            t[2 * e] = (Triplet){i, idx[e], p[e]};
            t[2 * e + 1] = (Triplet){idx[e], i, p[e]};
        }
    qsort(t, m, sizeof *t, cmp_triplet);
    P->n = n;
    P->rowptr = mg_xcalloc((size_t)n + 1, sizeof(int));
    P->col = mg_xmalloc(m * sizeof(int));
    P->val = mg_xmalloc(m * sizeof(double));
    size_t nnz = 0;
    double total = 0;
    for (size_t e = 0; e < m;) {
        size_t f = e;
        double v = 0;
        while (f < m && t[f].i == t[e].i && t[f].j == t[e].j) v += t[f++].v;
        P->col[nnz] = t[e].j;
        P->val[nnz] = v;
        P->rowptr[t[e].i + 1]++;
        total += v;
        nnz++;
        e = f;
    }
    for (int i = 0; i < n; i++) P->rowptr[i + 1] += P->rowptr[i];
    if (total < 2.2204460492503131e-16) total = 2.2204460492503131e-16;
    for (size_t e = 0; e < nnz; e++) P->val[e] /= total;
    free(t);
}
