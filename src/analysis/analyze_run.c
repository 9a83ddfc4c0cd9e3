/* The analysis pipeline of `morphogan analyze` (see analyze_run.h). */
#include "analysis/analyze_run.h"
#include "analysis/analysis_writers.h"
#include "analysis/directions.h"
#include "analysis/editing.h"
#include "analysis/evaluate.h"
#include "analysis/latent_table.h"
#include "analysis/pca.h"
#include "analysis/tsne.h"
#include "core/error.h"
#include "io/npy.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIRECTIONS 96

AnalyzeOptions analyze_default_options(void) {
    return (AnalyzeOptions){.features = {FEAT_W, 0}, .n_clf = 2, .clf = {CLF_SVM, CLF_LOGREG},
                            .clf_opt = classifier_default_options(CLF_SVM), .folds = 5, .tsne_dims = 2,
                            .perplexity = 30, .tsne_iterations = 1000, .tsne_pca = 50, .pca_coords = 10,
                            .hist_bins = 30, .sefa_k = 5, .ganspace_k = 5, .seed = 1};
}

int analyze_mkdirs(const char *path) {
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            if (mkdir(p, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create folder: %s", p, strerror(errno));
            *s = '/';
        }
    if (mkdir(p, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create folder: %s", p, strerror(errno));
    struct stat st;
    if (stat(p, &st) || !S_ISDIR(st.st_mode)) return mg_error_set("%s: not a folder", p);
    return 0;
}

static void out_path(char *buf, size_t n, const char *dir, const char *name) { snprintf(buf, n, "%.4000s/%s", dir, name); }

/* a w-space vector v [D] as a feature-space direction [d]: tiled over the L layers for wplus */
static double *to_feature_space(const double *v, int D, int L, FeatureSpec f) {
    int d = f.kind == FEAT_WPLUS ? L * D : D;
    double *o = mg_xmalloc((size_t)d * sizeof(double));
    for (int j = 0; j < d; j++) o[j] = v[j % D];
    return o;
}

/* reads a .npy of rows of D values: [R, D] or [a, R, D] (rows = all leading dimensions); first_only: [M, L, D] -> w */
static int read_rows(const char *path, int D, int first_only, float **rows, int *nrows) {
    NpyArray a;
    if (npy_read(path, NPY_F32, &a)) return -1;
    if (a.ndim < 2 || a.ndim > 3 || a.shape[a.ndim - 1] != D || a.numel == 0) {
        const char *s = npy_shape_str(&a);
        npy_free(&a);
        return mg_error_set("%s: shape %s, expected [N, %d] or [N, L, %d] (D of the codes)", path, s, D, D);
    }
    for (size_t i = 0; i < a.numel; i++)
        if (!isfinite(((float *)a.data)[i])) { npy_free(&a); return mg_error_set("%s: value %zu is not finite", path, i); }
    if (first_only && a.ndim == 3) {
        int m = (int)a.shape[0], L = (int)a.shape[1];
        float *o = mg_xmalloc((size_t)m * D * sizeof(float));
        for (int i = 0; i < m; i++) memcpy(o + (size_t)i * D, (float *)a.data + (size_t)i * L * D, (size_t)D * sizeof(float));
        *rows = o;
        *nrows = m;
        npy_free(&a);
        return 0;
    }
    *nrows = (int)(a.numel / (size_t)D);
    *rows = a.data;
    a.data = NULL;
    npy_free(&a);
    return 0;
}

static int add_sefa(const AnalyzeOptions *o, const LatentTable *t, Direction *dirs, int *nd, FILE *log) {
    float *A = NULL;
    int R = 0;
    if (read_rows(o->sefa_weights, t->D, 0, &A, &R)) return -1;
    int k = o->sefa_k < t->D ? o->sefa_k : t->D;
    double *v = mg_xmalloc((size_t)k * t->D * sizeof(double)), *ev = mg_xmalloc((size_t)k * sizeof(double));
    int rc = sefa(A, R, t->D, k, !o->sefa_no_normalize, v, ev);
    for (int c = 0; !rc && c < k && *nd < MAX_DIRECTIONS; c++) {
        char name[32];
        snprintf(name, sizeof name, "sefa%d", c + 1);
        double *f = to_feature_space(v + (size_t)c * t->D, t->D, t->L, o->features);
        rc = direction_from_vector(&dirs[*nd], name, f, o->features.kind == FEAT_WPLUS ? t->L * t->D : t->D,
                                   sqrt(ev[c] > 0 ? ev[c] : 0));
        free(f);
        if (!rc) (*nd)++;
    }
    if (!rc && log) fprintf(log, "SeFa: %d directions from %d weight rows of %s\n", k, R, o->sefa_weights);
    free(A); free(v); free(ev);
    return rc;
}

static int add_ganspace(const AnalyzeOptions *o, const LatentTable *t, Direction *dirs, int *nd, FILE *log) {
    float *W = NULL;
    int M = 0;
    if (read_rows(o->ganspace_samples, t->D, 1, &W, &M)) return -1;
    int k = o->ganspace_k;
    if (k > M - 1) k = M - 1;
    if (k > t->D) k = t->D;
    Pca p;
    int rc = k >= 1 ? pca_fit(W, M, t->D, k, &p)
                    : mg_error_set("%s: GANSpace needs at least 2 samples", o->ganspace_samples);
    for (int c = 0; !rc && c < k && *nd < MAX_DIRECTIONS; c++) {
        char name[32];
        snprintf(name, sizeof name, "ganspace%d", c + 1);
        double *f = to_feature_space(p.components + (size_t)c * t->D, t->D, t->L, o->features);
        rc = direction_from_vector(&dirs[*nd], name, f, o->features.kind == FEAT_WPLUS ? t->L * t->D : t->D,
                                   sqrt(p.eigenvalues[c]));
        free(f);
        if (!rc) (*nd)++;
    }
    if (k >= 1 && !rc) {
        if (log) fprintf(log, "GANSpace: %d directions from %d mapped samples of %s\n", k, M, o->ganspace_samples);
        pca_free(&p);
    }
    free(W);
    return rc;
}

/* the confounder vector [d]: a direction of this run by name, or a .npy file */
static int confounder(const AnalyzeOptions *o, const LatentTable *t, const Direction *dirs, int nd, int d, double **v,
                      int *self) {
    *self = -1;
    for (int k = 0; k < nd; k++)
        if (!strcmp(dirs[k].name, o->orthogonal_to)) {
            *v = mg_xmalloc((size_t)d * sizeof(double));
            memcpy(*v, dirs[k].u, (size_t)d * sizeof(double));
            *self = k;
            return 0;
        }
    NpyArray a;
    if (npy_read(o->orthogonal_to, NPY_F64, &a))
        return mg_error_set("--orthogonal-to %s: neither a direction of this run nor a readable .npy (%s)",
                            o->orthogonal_to, mg_error_get());
    int ok = (int)a.numel == d || ((int)a.numel == t->D && o->features.kind == FEAT_WPLUS);
    if (!ok) {
        npy_free(&a);
        return mg_error_set("%s: %zu values, the features have %d", o->orthogonal_to, a.numel, d);
    }
    *v = (int)a.numel == d ? (double *)a.data : to_feature_space(a.data, t->D, t->L, o->features);
    if ((int)a.numel != d) npy_free(&a);
    return 0;
}

static int write_direction_npy(const char *dir, const Direction *dd, const LatentTable *t, FeatureSpec f) {
    char p[4200];
    snprintf(p, sizeof p, "%.4000s/direction_%.48s.npy", dir, dd->name);
    float *u = mg_xmalloc((size_t)dd->dim * sizeof(float));
    for (int j = 0; j < dd->dim; j++) u[j] = (float)dd->u[j];
    int rc = f.kind == FEAT_WPLUS ? npy_write(p, NPY_F32, 2, (int64_t[]){t->L, t->D}, u)
                                  : npy_write(p, NPY_F32, 1, (int64_t[]){dd->dim}, u);
    free(u);
    return rc;
}

/* t-SNE of the features, or of their first tsne_pca principal components (coords [n, kc], from the PCA of
 * the run) when the features have more dimensions than that */
static int run_tsne(const AnalyzeOptions *o, const LatentTable *t, const float *x, int d, const double *coords, int kc,
                    FILE *log) {
    if (3 * o->perplexity >= t->n - 1)
        return mg_error_set("t-SNE: perplexity %g needs more than %d codes (the table has %d); lower --perplexity",
                            o->perplexity, (int)(3 * o->perplexity) + 1, t->n);
    const float *in = x;
    float *red = NULL;
    int din = d;
    if (o->tsne_pca > 0 && d > o->tsne_pca && kc >= o->tsne_pca) {
        din = o->tsne_pca;
        red = mg_xmalloc((size_t)t->n * din * sizeof(float));
        for (int i = 0; i < t->n; i++)
            for (int c = 0; c < din; c++) red[(size_t)i * din + c] = (float)coords[(size_t)i * kc + c];
        in = red;
    }
    TsneOptions to = tsne_default_options();
    to.dims = o->tsne_dims;
    to.perplexity = o->perplexity;
    to.iterations = o->tsne_iterations;
    to.seed = o->seed;
    float *y = mg_xmalloc((size_t)t->n * to.dims * sizeof(float));
    TsneResult r;
    int rc = tsne_run(in, t->n, din, &to, y, &r);
    char p[4200];
    out_path(p, sizeof p, o->out_dir, "tsne.csv");
    if (!rc) rc = write_tsne_csv(p, t, y, to.dims);
    if (!rc && log) {
        fprintf(log, "t-SNE %d-D (perplexity %g, %d iterations, input %d dims%s): KL %.4f, %.1f s", to.dims, to.perplexity,
                r.iterations, din, red ? " = principal components" : "", r.kl, r.seconds_affinity + r.seconds_descent);
        if (2 * 10 < t->n) fprintf(log, ", trustworthiness(k=10) %.4f", trustworthiness(in, t->n, din, y, to.dims, 10));
        fputc('\n', log);
    }
    free(y);
    free(red);
    return rc;
}

int analyze_run(const AnalyzeOptions *o, FILE *log) {
    LatentTable t;
    if (latent_table_read(o->table_dir, &t)) return -1;
    int rc = 0;
    if (o->classes[0]) rc = latent_table_select_classes(&t, 2, o->classes);
    else if (t.n_classes != 2) {
        char list[512] = "";
        for (int c = 0; c < t.n_classes && strlen(list) < 400; c++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", c ? ", " : "", t.classes[c]);
        rc = mg_error_set("%s: the analysis compares two labels, the table has %d (%s); choose two with --classes A,B",
                          o->table_dir, t.n_classes, list);
    }
    if (!rc && (latent_table_count(&t, LT_TRAIN, 0) < 1 || latent_table_count(&t, LT_TRAIN, 1) < 1))
        rc = mg_error_set("%s: every class needs train rows (%s: %d, %s: %d)", o->table_dir, t.classes[0],
                          latent_table_count(&t, LT_TRAIN, 0), t.classes[1], latent_table_count(&t, LT_TRAIN, 1));
    if (!rc) rc = analyze_mkdirs(o->out_dir);
    float *x = NULL;
    int d = 0;
    if (!rc) rc = features_extract(&t, o->features, &x, &d);
    if (rc) { latent_table_free(&t); return -1; }
    if (log)
        fprintf(log, "table %s: %d codes [%d x %d]; %s %d, %s %d (positive class %s); train %d, val %d; features %s (%d)\n",
                o->table_dir, t.n, t.L, t.D, t.classes[0], latent_table_count(&t, -1, 0), t.classes[1],
                latent_table_count(&t, -1, 1), t.classes[1], latent_table_count(&t, LT_TRAIN, -1),
                latent_table_count(&t, LT_VAL, -1), feature_spec_str(o->features), d);
    char p[4200];
    Evaluation ev[ANALYZE_MAX_CLF];
    const char *names[ANALYZE_MAX_CLF];
    int nev = 0;
    Direction dirs[MAX_DIRECTIONS];
    int nd = 0;
    double *dist = NULL;
    Pca pca = {0};
    memset(ev, 0, sizeof ev);
    /* classifiers */
    for (int c = 0; !rc && c < o->n_clf; c++) {
        ClassifierOptions co = o->clf_opt;
        co.kind = o->clf[c];
        co.seed = o->seed;
        names[c] = classifier_name(co.kind);
        rc = evaluate_classifier(&co, x, d, t.y, t.split, t.n, o->folds, &ev[c]);
        if (rc) break;
        nev++;
        if (log) {
            fprintf(log, "%-6s train accuracy %.4f", names[c], ev[c].train.accuracy);
            if (ev[c].has_val) fprintf(log, ", val accuracy %.4f, AUC %.4f", ev[c].val.accuracy, ev[c].val.auc);
            if (ev[c].folds) fprintf(log, "; %d-fold CV accuracy %.4f +- %.4f, AUC %.4f", ev[c].folds,
                                     ev[c].cv_mean.accuracy, ev[c].cv_std.accuracy, ev[c].cv_mean.auc);
            if (co.kind == CLF_MLP) fprintf(log, " (kept epoch %d of %d)", ev[c].fitted.best_epoch, ev[c].fitted.epochs);
            fputc('\n', log);
        }
        snprintf(p, sizeof p, "%.4000s/confusion_%s.csv", o->out_dir, names[c]);
        const char *which;
        rc = write_confusion_csv(p, (const char *const *)t.classes, &ev[c], &which);
        if (!rc && log && c == 0) fprintf(log, "confusion_<classifier>.csv: the %s predictions\n", which);
    }
    if (!rc && nev) {
        out_path(p, sizeof p, o->out_dir, "classify.csv");
        rc = write_classify_csv(p, nev, names, ev);
        out_path(p, sizeof p, o->out_dir, "fold_confusions.csv");
        if (!rc) rc = write_fold_confusions_csv(p, nev, names, (const char *const *)t.classes, ev);
    }
    /* hyperplane directions and distances (the first linear classifier, svm preferred) */
    int hyper = -1;
    for (int c = nev - 1; c >= 0; c--)
        if (ev[c].fitted.kind == CLF_LOGREG) hyper = c;
    for (int c = nev - 1; c >= 0; c--)
        if (ev[c].fitted.kind == CLF_SVM) hyper = c;
    for (int c = 0; !rc && c < nev; c++)
        if (ev[c].fitted.kind != CLF_MLP) {
            rc = direction_from_hyperplane(&dirs[nd], names[c], ev[c].fitted.w, ev[c].fitted.b, d);
            if (!rc) nd++;
        }
    if (!rc && hyper >= 0) {
        dist = mg_xmalloc((size_t)t.n * sizeof(double));
        for (int i = 0; i < t.n; i++) dist[i] = hyperplane_distance(ev[hyper].fitted.w, ev[hyper].fitted.b, x + (size_t)i * d, d);
        out_path(p, sizeof p, o->out_dir, "distances.csv");
        rc = write_distances_csv(p, &t, dist);
        out_path(p, sizeof p, o->out_dir, "distance_hist.csv");
        if (!rc) rc = write_distance_hist_csv(p, &t, dist, o->hist_bins);
    }
    if (!rc) {
        rc = direction_mean_diff(&dirs[nd], x, t.y, t.n, d);
        if (!rc) nd++;
    }
    /* PCA (components enough for pca_coords.csv, the three directions and t-SNE's reduction) */
    double *coords = NULL;
    int kc = 0;
    if (!rc) {
        int r = t.n - 1 < d ? t.n - 1 : d, k = o->pca_coords > 3 ? o->pca_coords : 3;
        if (o->tsne_dims && o->tsne_pca > k && d > o->tsne_pca) k = o->tsne_pca;
        if (k > r) k = r;
        rc = k >= 1 ? pca_fit(x, t.n, d, k, &pca) : mg_error_set("PCA needs at least 2 codes");
        for (int c = 0; !rc && c < 3 && c < k; c++) {
            char name[16];
            snprintf(name, sizeof name, "pca%d", c + 1);
            rc = direction_from_vector(&dirs[nd], name, pca.components + (size_t)c * d, d, sqrt(pca.eigenvalues[c]));
            if (!rc) nd++;
        }
        if (!rc) { out_path(p, sizeof p, o->out_dir, "pca_spectrum.csv"); rc = write_pca_spectrum_csv(p, &pca); }
        if (!rc) {
            kc = k;
            coords = mg_xmalloc((size_t)t.n * k * sizeof(double));
            pca_transform(&pca, x, t.n, coords);
            int kw = o->pca_coords < k ? o->pca_coords : k;
            double *cw = mg_xmalloc((size_t)t.n * (kw ? kw : 1) * sizeof(double));
            for (int i = 0; i < t.n; i++)
                for (int c = 0; c < kw; c++) cw[(size_t)i * kw + c] = coords[(size_t)i * k + c];
            out_path(p, sizeof p, o->out_dir, "pca_coords.csv");
            rc = write_pca_coords_csv(p, &t, cw, kw);
            out_path(p, sizeof p, o->out_dir, "pca_projection.csv");      /* the same: the report's name */
            if (!rc) rc = write_pca_coords_csv(p, &t, cw, kw);
            free(cw);
        }
        if (!rc && log) {
            double tot = pca.total_variance > 0 ? pca.total_variance : 1, cum = 0;
            fprintf(log, "PCA: explained variance");
            for (int c = 0; c < 3 && c < pca.r; c++) {
                cum += pca.eigenvalues[c] / tot;
                fprintf(log, " PC%d %.2f%%", c + 1, 100 * pca.eigenvalues[c] / tot);
            }
            fprintf(log, " (cumulative %.2f%%)\n", 100 * cum);
        }
    }
    if (!rc && o->sefa_weights) rc = add_sefa(o, &t, dirs, &nd, log);
    if (!rc && o->ganspace_samples) rc = add_ganspace(o, &t, dirs, &nd, log);
    for (int k = 0; !rc && k < nd; k++) direction_class_stats(&dirs[k], x, t.y, t.n);
    if (!rc && o->orthogonal_to) {
        double *v = NULL;
        int self, n0 = nd;
        rc = confounder(o, &t, dirs, nd, d, &v, &self);
        for (int k = 0; !rc && k < n0 && nd < MAX_DIRECTIONS; k++) {
            if (k == self) continue;
            char name[DIRECTION_NAME + 8];
            snprintf(name, sizeof name, "%.40s_orth", dirs[k].name);
            rc = direction_from_vector(&dirs[nd], name, dirs[k].u, d, dirs[k].norm);
            if (!rc && direction_orthogonalize(&dirs[nd], v, d)) {       /* parallel: skipped, said so */
                if (log) fprintf(log, "orthogonal to %s: %s skipped (%s)\n", o->orthogonal_to, dirs[k].name, mg_error_get());
                direction_free(&dirs[nd]);
                continue;
            }
            if (!rc) direction_class_stats(&dirs[nd++], x, t.y, t.n);
        }
        free(v);
    }
    for (int k = 0; !rc && k < nd; k++) rc = write_direction_npy(o->out_dir, &dirs[k], &t, o->features);
    if (!rc) {
        const Direction *svm = NULL;
        for (int k = 0; k < nd; k++) if (!strcmp(dirs[k].name, "svm")) svm = &dirs[k];
        out_path(p, sizeof p, o->out_dir, "directions.csv");
        rc = write_directions_csv(p, dirs, nd, svm, o->features);
        if (!rc && log)
            for (int k = 0; k < nd; k++)
                if (!strcmp(dirs[k].name, "svm") || !strcmp(dirs[k].name, "mean_diff"))
                    fprintf(log, "direction %-9s class separation %.4g (Cohen's d %.2f)\n", dirs[k].name,
                            dirs[k].separation, dirs[k].separation_sd);
    }
    if (!rc && o->tsne_dims) rc = run_tsne(o, &t, x, d, coords, kc, log);
    if (!rc && log) fprintf(log, "wrote %s/\n", o->out_dir);
    for (int c = 0; c < nev; c++) evaluation_free(&ev[c]);
    for (int k = 0; k < nd; k++) direction_free(&dirs[k]);
    pca_free(&pca);
    free(coords);
    free(dist);
    free(x);
    latent_table_free(&t);
    return rc;
}
