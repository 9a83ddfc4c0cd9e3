/* CSV outputs of `morphogan analyze` (see analysis_writers.h). */
#include "analysis/analysis_writers.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void metrics_row(FILE *f, const char *clf, const char *fold, const BinaryMetrics *m) {
    fprintf(f, "%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,", clf, fold, m->accuracy, m->precision, m->recall, m->f1, m->specificity);
    if (isnan(m->auc)) fputs("\n", f);
    else fprintf(f, "%.6f\n", m->auc);
}

int write_classify_csv(const char *path, int n, const char *const *names, const Evaluation *ev) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("classifier,fold,accuracy,precision,recall,f1,specificity,auc\n", f);
    for (int c = 0; c < n; c++) {
        metrics_row(f, names[c], "train", &ev[c].train);
        if (ev[c].has_val) metrics_row(f, names[c], "val", &ev[c].val);
        if (ev[c].folds) {
            metrics_row(f, names[c], "cv_mean", &ev[c].cv_mean);
            metrics_row(f, names[c], "cv_std", &ev[c].cv_std);
        }
    }
    return atomic_close(&af, 0);
}

static void header_classes(FILE *f, const char *const *classes) {
    csv_write_field(f, classes[0]);
    fputc(',', f);
    csv_write_field(f, classes[1]);
    fputc('\n', f);
}

int write_confusion_csv(const char *path, const char *const *classes, const Evaluation *ev, const char **which) {
    const BinaryMetrics *m = ev->has_val ? &ev->val : ev->folds ? &ev->cv_pooled : &ev->train;
    *which = ev->has_val ? "val" : ev->folds ? "cv" : "train";
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputc(',', f);
    header_classes(f, classes);
    csv_write_field(f, classes[0]);
    fprintf(f, ",%ld,%ld\n", m->tn, m->fp);
    csv_write_field(f, classes[1]);
    fprintf(f, ",%ld,%ld\n", m->fn, m->tp);
    return atomic_close(&af, 0);
}

static void fold_rows(FILE *f, const char *clf, const char *fold, const char *const *classes, const BinaryMetrics *m) {
    fprintf(f, "%s,%s,", clf, fold);
    csv_write_field(f, classes[0]);
    fprintf(f, ",%ld,%ld\n%s,%s,", m->tn, m->fp, clf, fold);
    csv_write_field(f, classes[1]);
    fprintf(f, ",%ld,%ld\n", m->fn, m->tp);
}

int write_fold_confusions_csv(const char *path, int n, const char *const *names, const char *const *classes,
                              const Evaluation *ev) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("classifier,fold,true,", f);
    header_classes(f, classes);
    for (int c = 0; c < n; c++) {
        fold_rows(f, names[c], "train", classes, &ev[c].train);
        if (ev[c].has_val) fold_rows(f, names[c], "val", classes, &ev[c].val);
        if (ev[c].folds) fold_rows(f, names[c], "cv", classes, &ev[c].cv_pooled);
    }
    return atomic_close(&af, 0);
}

int write_pca_spectrum_csv(const char *path, const Pca *p) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("component,eigenvalue,explained,cumulative\n", f);
    double cum = 0, tot = p->total_variance > 0 ? p->total_variance : 1;
    for (int c = 0; c < p->r; c++) {
        cum += p->eigenvalues[c] / tot;
        fprintf(f, "%d,%.9g,%.9g,%.9g\n", c + 1, p->eigenvalues[c], p->eigenvalues[c] / tot, cum);
    }
    return atomic_close(&af, 0);
}

static void file_label(FILE *f, const LatentTable *t, int i) {
    csv_write_field(f, t->file[i]);
    fputc(',', f);
    csv_write_field(f, t->label[i]);
}

int write_pca_coords_csv(const char *path, const LatentTable *t, const double *coords, int k) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("file,label", f);
    for (int c = 0; c < k; c++) fprintf(f, ",pc%d", c + 1);
    fputc('\n', f);
    for (int i = 0; i < t->n; i++) {
        file_label(f, t, i);
        for (int c = 0; c < k; c++) fprintf(f, ",%.7g", coords[(size_t)i * k + c]);
        fputc('\n', f);
    }
    return atomic_close(&af, 0);
}

int write_tsne_csv(const char *path, const LatentTable *t, const float *y, int dims) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs(dims == 3 ? "file,label,x,y,z\n" : "file,label,x,y\n", f);
    for (int i = 0; i < t->n; i++) {
        file_label(f, t, i);
        for (int a = 0; a < dims; a++) fprintf(f, ",%.7g", y[(size_t)i * dims + a]);
        fputc('\n', f);
    }
    return atomic_close(&af, 0);
}

int write_distances_csv(const char *path, const LatentTable *t, const double *distance) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("file,label,split,predicted,distance\n", f);
    for (int i = 0; i < t->n; i++) {
        file_label(f, t, i);
        fprintf(f, ",%s,", t->split[i] == LT_TRAIN ? "train" : "val");
        csv_write_field(f, t->classes[distance[i] > 0]);
        fprintf(f, ",%.7g\n", distance[i]);
    }
    return atomic_close(&af, 0);
}

int write_distance_hist_csv(const char *path, const LatentTable *t, const double *distance, int bins) {
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < t->n; i++) {
        if (distance[i] < lo) lo = distance[i];
        if (distance[i] > hi) hi = distance[i];
    }
    if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
    long *c = mg_xcalloc((size_t)bins * 4, sizeof(long));
    for (int i = 0; i < t->n; i++) {
        int b = (int)((distance[i] - lo) / (hi - lo) * bins);
        if (b >= bins) b = bins - 1;
        if (b < 0) b = 0;
        c[(size_t)b * 4 + t->y[i]]++;
        c[(size_t)b * 4 + 2 + (distance[i] > 0)]++;
    }
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) { free(c); return -1; }
    fputs("bin_lo,bin_hi", f);
    const char *pre[4] = {"true_", "true_", "pred_", "pred_"};
    for (int k = 0; k < 4; k++) {
        char name[256];
        snprintf(name, sizeof name, "%s%s", pre[k], t->classes[k & 1]);
        fputc(',', f);
        csv_write_field(f, name);
    }
    fputc('\n', f);
    for (int b = 0; b < bins; b++)
        fprintf(f, "%.7g,%.7g,%ld,%ld,%ld,%ld\n", lo + (hi - lo) * b / bins, lo + (hi - lo) * (b + 1) / bins, c[b * 4],
                c[b * 4 + 1], c[b * 4 + 2], c[b * 4 + 3]);
    free(c);
    return atomic_close(&af, 0);
}

int write_directions_csv(const char *path, const Direction *d, int nd, const Direction *svm, FeatureSpec fs) {
    AtomicFile af;
    FILE *f = atomic_open(&af, path);
    if (!f) return -1;
    fputs("name,norm,class_separation,separation_sd,bias,cos_svm,features,file\n", f);
    for (int k = 0; k < nd; k++) {
        fprintf(f, "%s,%.9g,%.9g,%.9g,%.9g,", d[k].name, d[k].norm, d[k].separation, d[k].separation_sd, d[k].bias);
        if (svm && svm->dim == d[k].dim) fprintf(f, "%.6f", direction_cosine(svm->u, d[k].u, d[k].dim));
        fprintf(f, ",%s,direction_%s.npy\n", feature_spec_str(fs), d[k].name);
    }
    return atomic_close(&af, 0);
}
