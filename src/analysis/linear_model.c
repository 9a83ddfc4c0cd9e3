/* Linear SVM and logistic regression through liblinear (see classifier.h). */
#include "analysis/classifier.h"
#include "core/error.h"
#include <linear.h>
#include <stdlib.h>

static void quiet(const char *s) { (void)s; }

/* z [n, d] standardised features, y in {0,1}; ws [d], *bs: f(z) = ws.z + bs > 0 predicts class 1 */
int linear_fit(const ClassifierOptions *o, const double *z, int n, int d, const int *y, const double cw[2],
               double *ws, double *bs) {
    struct feature_node *nodes = malloc((size_t)n * (d + 2) * sizeof *nodes);
    struct feature_node **rows = malloc((size_t)n * sizeof *rows);
    double *yy = malloc((size_t)n * sizeof *yy);
    if (!nodes || !rows || !yy) {
        free(nodes); free(rows); free(yy);
        return mg_error_set("%s: out of memory for %d x %d features", classifier_name(o->kind), n, d);
    }
    for (int i = 0; i < n; i++) {
        struct feature_node *r = nodes + (size_t)i * (d + 2);
        for (int j = 0; j < d; j++) r[j] = (struct feature_node){j + 1, z[(size_t)i * d + j]};
        r[d] = (struct feature_node){d + 1, 1.0};              /* the bias feature */
        r[d + 1] = (struct feature_node){-1, 0};
        rows[i] = r;
        yy[i] = y[i] ? 1 : -1;
    }
    struct problem prob = {.l = n, .n = d + 1, .y = yy, .x = rows, .bias = 1.0};
    int wl[2] = {-1, 1};
    double wv[2] = {cw[0], cw[1]};
    struct parameter par = {.solver_type = o->kind == CLF_SVM ? L2R_L2LOSS_SVC_DUAL : L2R_LR,
                            .eps = o->eps, .C = o->C, .nr_weight = 2, .weight_label = wl, .weight = wv, .p = 0.1};
    const char *bad = check_parameter(&prob, &par);
    if (bad) {
        free(nodes); free(rows); free(yy);
        return mg_error_set("%s: liblinear rejects the parameters: %s", classifier_name(o->kind), bad);
    }
    set_print_string_function(quiet);
    srand((unsigned)(o->seed ^ (o->seed >> 32)));
    struct model *m = train(&prob, &par);
    /* liblinear's w scores its first label (the label of the first row it saw) */
    double sign = m->nr_class == 2 && m->label[0] == 1 ? 1.0 : -1.0;
    for (int j = 0; j < d; j++) ws[j] = sign * m->w[j];
    *bs = sign * m->w[d] * prob.bias;
    free_and_destroy_model(&m);
    free(nodes); free(rows); free(yy);
    return 0;
}
