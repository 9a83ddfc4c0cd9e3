/* Inception Score from class probabilities or logits, with splits.  See metrics.h. */
#include "analysis/metrics.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

int inception_score(const float *p, long n, int c, int splits, int is_logits, double *mean, double *std) {
    if (c < 1 || splits < 1 || n < splits)
        return mg_error_set("inception score: need at least one row per split (%ld rows, %d splits, %d classes)", n,
                            splits, c);
    double *q = malloc((size_t)n * c * sizeof(double)), *py = malloc((size_t)c * sizeof(double));
    double *score = malloc((size_t)splits * sizeof(double));
    if (!q || !py || !score) { free(q); free(py); free(score); return mg_error_set("inception score: out of memory"); }
    for (long i = 0; i < n; i++) {                /* q = p(y|x) in double (softmax of the logits) */
        const float *r = p + (size_t)i * c;
        double *o = q + (size_t)i * c, mx = r[0], s = 0;
        for (int j = 1; j < c; j++) mx = r[j] > mx ? r[j] : mx;
        for (int j = 0; j < c; j++) { o[j] = is_logits ? exp(r[j] - mx) : r[j]; s += o[j]; }
        if (is_logits) for (int j = 0; j < c; j++) o[j] /= s;
    }
    for (int s = 0; s < splits; s++) {            /* part s: rows [n s / splits, n (s+1) / splits), as numpy */
        long a = n * s / splits, b = n * (s + 1) / splits;
        for (int j = 0; j < c; j++) py[j] = 0;
        for (long i = a; i < b; i++)
            for (int j = 0; j < c; j++) py[j] += q[(size_t)i * c + j];
        for (int j = 0; j < c; j++) py[j] /= (double)(b - a);
        double kl = 0;
        for (long i = a; i < b; i++)
            for (int j = 0; j < c; j++) {
                double v = q[(size_t)i * c + j];
                if (v > 0) kl += v * (log(v) - log(py[j]));
            }
        score[s] = exp(kl / (double)(b - a));
    }
    double mu = 0, var = 0;
    for (int s = 0; s < splits; s++) mu += score[s];
    mu /= splits;
    for (int s = 0; s < splits; s++) var += (score[s] - mu) * (score[s] - mu);
    *mean = mu;
    *std = sqrt(var / splits);
    free(q); free(py); free(score);
    return 0;
}
