/* Binary classification metrics (see binary_metrics.h).  AUC by the rank-sum (Mann-Whitney) formula with
 * average ranks for ties, which equals the trapezoidal area under the ROC curve. */
#include "analysis/binary_metrics.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

typedef struct Scored {
    double s;
    long i;
} Scored;

static int cmp_scored(const void *a, const void *b) {
    const Scored *x = a, *y = b;
    if (x->s != y->s) return x->s < y->s ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

double roc_auc(const int *y, const double *score, long n) {
    long np = 0;
    for (long i = 0; i < n; i++) np += y[i] == 1;
    long nn = n - np;
    if (np == 0 || nn == 0) return NAN;
    Scored *v = mg_xmalloc((size_t)n * sizeof *v);
    for (long i = 0; i < n; i++) v[i] = (Scored){score[i], i};
    qsort(v, (size_t)n, sizeof *v, cmp_scored);
    double rank_sum = 0;                 /* of the positives, ranks 1..n, ties averaged */
    for (long a = 0; a < n;) {
        long b = a;
        while (b + 1 < n && v[b + 1].s == v[a].s) b++;
        double avg = 0.5 * (double)(a + b) + 1.0;
        for (long k = a; k <= b; k++) if (y[v[k].i] == 1) rank_sum += avg;
        a = b + 1;
    }
    free(v);
    return (rank_sum - 0.5 * (double)np * (double)(np + 1)) / ((double)np * (double)nn);
}

void binary_metrics(const int *y, const double *score, long n, BinaryMetrics *m) {
    *m = (BinaryMetrics){0};
    for (long i = 0; i < n; i++) {
        int pred = score[i] > 0;
        if (y[i] == 1) { if (pred) m->tp++; else m->fn++; }
        else { if (pred) m->fp++; else m->tn++; }
    }
    m->accuracy = n ? (double)(m->tp + m->tn) / (double)n : 0;
    m->precision = m->tp + m->fp ? (double)m->tp / (double)(m->tp + m->fp) : 0;
    m->recall = m->tp + m->fn ? (double)m->tp / (double)(m->tp + m->fn) : 0;
    m->specificity = m->tn + m->fp ? (double)m->tn / (double)(m->tn + m->fp) : 0;
    m->f1 = m->precision + m->recall > 0 ? 2 * m->precision * m->recall / (m->precision + m->recall) : 0;
    m->auc = roc_auc(y, score, n);
}
