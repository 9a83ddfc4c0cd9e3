/* Fitting and applying the classifiers (see classifier.h): class weights, standardisation, dispatch. */
#include "analysis/classifier.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

static const char *names[] = {[CLF_SVM] = "svm", [CLF_LOGREG] = "logreg", [CLF_MLP] = "mlp"};

const char *classifier_name(ClassifierKind kind) { return names[kind]; }

int classifier_parse(const char *name, ClassifierKind *kind) {
    for (int k = 0; k < 3; k++)
        if (!strcmp(name, names[k])) { *kind = (ClassifierKind)k; return 0; }
    return mg_error_set("--classifier: '%s' is not svm, logreg or mlp", name);
}

ClassifierOptions classifier_default_options(ClassifierKind kind) {
    return (ClassifierOptions){.kind = kind, .C = 1.0, .eps = 1e-4, .class_weight = {1, 1},
                               .hidden1 = 256, .hidden2 = 64, .dropout = 0.2f, .lr = 1e-3f, .weight_decay = 0,
                               .batch = 64, .max_epochs = 300, .patience = 20, .inner_val = 0.15f, .seed = 1};
}

int classifier_fit(const ClassifierOptions *o, const float *x, int d, const int *y, const int *rows, int nrows,
                   Classifier *c) {
    memset(c, 0, sizeof *c);
    int count[2] = {0, 0};
    for (int r = 0; r < nrows; r++) count[y[rows[r]] != 0]++;
    if (!count[0] || !count[1])
        return mg_error_set("%s: the training rows hold only one class (%d and %d rows)", classifier_name(o->kind),
                            count[0], count[1]);
    double cw[2] = {o->class_weight[0], o->class_weight[1]};
    if (o->balanced)
        for (int k = 0; k < 2; k++) cw[k] = (double)nrows / (2.0 * count[k]);
    if (!(cw[0] > 0 && cw[1] > 0)) return mg_error_set("%s: class weights must be positive", classifier_name(o->kind));
    c->kind = o->kind;
    c->d = d;
    standardizer_fit(&c->st, x, d, rows, nrows);
    int *yr = mg_xmalloc((size_t)nrows * sizeof(int));
    for (int r = 0; r < nrows; r++) yr[r] = y[rows[r]] != 0;
    int rc;
    if (o->kind == CLF_MLP) {
        float *z = mg_xmalloc((size_t)nrows * d * sizeof(float));
        standardizer_apply_f32(&c->st, x, rows, nrows, z);
        rc = mlp_fit(o, z, nrows, d, yr, cw, c);
        free(z);
    } else {
        double *z = malloc((size_t)nrows * d * sizeof(double));
        if (!z) { free(yr); return mg_error_set("%s: out of memory", classifier_name(o->kind)); }
        standardizer_apply(&c->st, x, rows, nrows, z);
        c->ws = mg_xmalloc((size_t)d * sizeof(double));
        c->w = mg_xmalloc((size_t)d * sizeof(double));
        rc = linear_fit(o, z, nrows, d, yr, cw, c->ws, &c->bs);
        if (!rc) standardizer_unmap(&c->st, c->ws, c->bs, c->w, &c->b);
        free(z);
    }
    free(yr);
    if (rc) classifier_free(c);
    return rc;
}

void classifier_decision(const Classifier *c, const float *x, const int *rows, int nrows, double *score) {
    if (c->kind == CLF_MLP) {
        float *z = mg_xmalloc((size_t)nrows * c->d * sizeof(float));
        standardizer_apply_f32(&c->st, x, rows, nrows, z);
        mlp_decision(c->mlp, z, nrows, score);
        free(z);
        return;
    }
    for (int r = 0; r < nrows; r++) {           /* on standardised features, as fitted */
        const float *xi = x + (size_t)rows[r] * c->d;
        double s = c->bs;
        for (int j = 0; j < c->d; j++) s += c->ws[j] * ((xi[j] - c->st.mean[j]) / c->st.scale[j]);
        score[r] = s;
    }
}

void classifier_free(Classifier *c) {
    standardizer_free(&c->st);
    free(c->ws);
    free(c->w);
    mlp_free(c->mlp);
    memset(c, 0, sizeof *c);
}
