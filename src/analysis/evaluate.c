/* Train/val metrics and stratified k-fold cross-validation (see evaluate.h). */
#include "analysis/evaluate.h"
#include "analysis/latent_table.h"
#include "core/error.h"
#include "core/rng.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int stratified_folds(const int *y, int n, int k, uint64_t seed, int *fold) {
    Rng r = rng_new(seed);
    int *perm = mg_xmalloc((size_t)n * sizeof(int));
    rng_permutation(&r, perm, n);
    for (int cls = 0; cls < 2; cls++) {
        int dealt = 0;
        for (int p = 0; p < n; p++)
            if (y[perm[p]] == cls) fold[perm[p]] = dealt++ % k;
        if (dealt < k) {
            free(perm);
            return mg_error_set("cross-validation: class %d has %d rows, fewer than the %d folds", cls, dealt, k);
        }
    }
    free(perm);
    return 0;
}

/* metrics of rows[nrows] scored by c */
static void score_rows(const Classifier *c, const float *x, const int *y, const int *rows, int nrows, double *score,
                       BinaryMetrics *m) {
    classifier_decision(c, x, rows, nrows, score);
    int *yr = mg_xmalloc((size_t)(nrows ? nrows : 1) * sizeof(int));
    for (int r = 0; r < nrows; r++) yr[r] = y[rows[r]];
    binary_metrics(yr, score, nrows, m);
    free(yr);
}

/* field-wise mean and sample std of the rates over the folds */
static void summarise(const BinaryMetrics *f, int k, BinaryMetrics *mean, BinaryMetrics *sd) {
#define FIELDS(X) X(accuracy) X(precision) X(recall) X(specificity) X(f1) X(auc)
    *mean = (BinaryMetrics){0};
    *sd = (BinaryMetrics){0};
#define MEAN(fl) { double s = 0; for (int i = 0; i < k; i++) s += f[i].fl; mean->fl = s / k; }
#define SD(fl) { double s = 0; for (int i = 0; i < k; i++) s += (f[i].fl - mean->fl) * (f[i].fl - mean->fl); \
                 sd->fl = k > 1 ? sqrt(s / (k - 1)) : 0; }
    FIELDS(MEAN)
    FIELDS(SD)
#undef MEAN
#undef SD
#undef FIELDS
}

int evaluate_classifier(const ClassifierOptions *o, const float *x, int d, const int *y, const int *split, int n,
                        int folds, Evaluation *e) {
    memset(e, 0, sizeof *e);
    int *rows = mg_xmalloc((size_t)n * sizeof(int)), *vrows = mg_xmalloc((size_t)n * sizeof(int)), nt = 0, nv = 0;
    for (int i = 0; i < n; i++) {
        if (split[i] == LT_TRAIN) rows[nt++] = i;
        else vrows[nv++] = i;
    }
    double *tmp = mg_xmalloc((size_t)n * sizeof(double));
    int rc = nt ? classifier_fit(o, x, d, y, rows, nt, &e->fitted)
                : mg_error_set("%s: the table has no train rows", classifier_name(o->kind));
    if (!rc) {
        score_rows(&e->fitted, x, y, rows, nt, tmp, &e->train);
        e->has_val = nv > 0;
        if (nv) score_rows(&e->fitted, x, y, vrows, nv, tmp, &e->val);
        int *all = mg_xmalloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) all[i] = i;
        e->score = mg_xmalloc((size_t)n * sizeof(double));
        classifier_decision(&e->fitted, x, all, n, e->score);
        free(all);
    }
    if (!rc && folds >= 2) {
        int *fold = mg_xmalloc((size_t)n * sizeof(int));
        rc = stratified_folds(y, n, folds, o->seed, fold);
        double *oof = mg_xmalloc((size_t)n * sizeof(double));
        e->cv = mg_xcalloc((size_t)folds, sizeof(BinaryMetrics));
        for (int k = 0; !rc && k < folds; k++) {
            nt = nv = 0;
            for (int i = 0; i < n; i++) {
                if (fold[i] == k) vrows[nv++] = i;
                else rows[nt++] = i;
            }
            ClassifierOptions ok = *o;
            ok.seed = o->seed + 1000003u * (uint64_t)(k + 1);
            Classifier c;
            rc = classifier_fit(&ok, x, d, y, rows, nt, &c);
            if (rc) break;
            score_rows(&c, x, y, vrows, nv, tmp, &e->cv[k]);
            for (int r = 0; r < nv; r++) oof[vrows[r]] = tmp[r];
            classifier_free(&c);
        }
        if (!rc) {
            e->folds = folds;
            summarise(e->cv, folds, &e->cv_mean, &e->cv_std);     /* rates only; counts stay 0 */
            binary_metrics(y, oof, n, &e->cv_pooled);
        }
        free(fold);
        free(oof);
    }
    free(rows); free(vrows); free(tmp);
    if (rc) evaluation_free(e);
    return rc;
}

void evaluation_free(Evaluation *e) {
    free(e->cv);
    free(e->score);
    classifier_free(&e->fitted);
    memset(e, 0, sizeof *e);
}
