/* Trustworthiness of an embedding (see tsne.h).  For each point: the k nearest neighbours in the
 * embedding, then the input-space rank of each, counted directly (points strictly closer, or as close
 * with a smaller index), so no n x n sort is needed.  Squared distances in double. */
#include "analysis/tsne.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

static int before(double a, int ia, double b, int ib) { return a < b || (a == b && ia < ib); }

#define BLOCK 256

double trustworthiness(const float *x, int n, int d, const float *y, int dims, int k) {
    MG_CHECK(k >= 1 && 2 * k < n, "trustworthiness: k = %d needs 1 <= k < n / 2 (n = %d)", k, n);
    double *xd = mg_xmalloc((size_t)n * d * sizeof(double)), *nrm = mg_xmalloc((size_t)n * sizeof(double));
    for (size_t i = 0; i < (size_t)n * d; i++) xd[i] = x[i];
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += xd[(size_t)i * d + j] * xd[(size_t)i * d + j];
        nrm[i] = s;
    }
    long *part = mg_xcalloc((size_t)n, sizeof(long));
    double *blk = mg_xmalloc((size_t)BLOCK * n * sizeof(double));
    for (int i0 = 0; i0 < n; i0 += BLOCK) {
        int rows = n - i0 < BLOCK ? n - i0 : BLOCK;
        tsne_sq_dist_block(xd, nrm, n, d, i0, rows, blk);     /* input-space distances of the block */
        #pragma omp parallel
        {
            double *ed = mg_xmalloc((size_t)k * sizeof(double));
            int *ei = mg_xmalloc((size_t)k * sizeof(int));
            #pragma omp for schedule(dynamic, 8)
            for (int r = 0; r < rows; r++) {
                int i = i0 + r, m = 0;
                /* k nearest in the embedding (insertion into a sorted list of k) */
                for (int j = 0; j < n; j++) {
                    if (j == i) continue;
                    double s = 0;
                    for (int a = 0; a < dims; a++) {
                        double t = (double)y[(size_t)i * dims + a] - y[(size_t)j * dims + a];
                        s += t * t;
                    }
                    if (m == k && !before(s, j, ed[k - 1], ei[k - 1])) continue;
                    int b = m < k ? m++ : k - 1;
                    while (b > 0 && before(s, j, ed[b - 1], ei[b - 1])) { ed[b] = ed[b - 1]; ei[b] = ei[b - 1]; b--; }
                    ed[b] = s; ei[b] = j;
                }
                const double *row = blk + (size_t)r * n;
                long sum = 0;
                for (int a = 0; a < k; a++) {
                    int j = ei[a];
                    long rank = 1;
                    for (int q = 0; q < n; q++)
                        if (q != i && q != j && before(row[q], q, row[j], j)) rank++;
                    if (rank > k) sum += rank - k;
                }
                part[i] = sum;
            }
            free(ed); free(ei);
        }
    }
    double t = 0;
    for (int i = 0; i < n; i++) t += (double)part[i];
    free(part); free(xd); free(nrm); free(blk);
    return 1.0 - t * (2.0 / ((double)n * k * (2.0 * n - 3.0 * k - 1.0)));
}
