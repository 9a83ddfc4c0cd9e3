/* The latent space: PCA spectrum (analysis/pca_spectrum.csv) and projection (analysis/pca_projection.csv),
 * t-SNE map (analysis/tsne.csv), signed distances to the class hyperplane (analysis/distances.csv). */
#include "report/figures.h"
#include "report/html.h"
#include "report/report_ctx.h"
#include "report/table.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANALYZE_CMD "morphogan analyze"
#define PCA_BARS 50                    /* components drawn in the spectrum */

static void pca_spectrum(Report *r) {
    char path[REPORT_PATH];
    report_path(r, "analysis/pca_spectrum.csv", path);
    static const char *const req[] = {"component", "eigenvalue", "explained", "cumulative", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *comp = mg_xmalloc(sizeof(double) * (n + 1)), *eig = mg_xmalloc(sizeof(double) * (n + 1)),
           *ex = mg_xmalloc(sizeof(double) * (n + 1)), *cum = mg_xmalloc(sizeof(double) * (n + 1));
    if (table_numbers(&t, path, "component", 0, comp) || table_numbers(&t, path, "eigenvalue", 0, eig)
        || table_numbers(&t, path, "explained", 0, ex) || table_numbers(&t, path, "cumulative", 0, cum)) {
        report_warn(r, mg_error_get());
    } else if (!n) {
        html_para(&r->body, "analysis/pca_spectrum.csv has no rows.");
    } else {
        int shown = n < PCA_BARS ? n : PCA_BARS;
        html_figure_begin(&r->body);
        fig_bars_line(&r->body, ex, cum, shown, "explained", "cumulative", "component", "fraction of variance",
                      "PCA explained variance");
        int k50 = 0, k90 = 0;
        for (int i = n - 1; i >= 0; i--) {
            if (cum[i] >= 0.5) k50 = i + 1;
            if (cum[i] >= 0.9) k90 = i + 1;
        }
        char cap[400];
        int len = snprintf(cap, sizeof cap, "analysis/pca_spectrum.csv: explained variance of the first %d of %d "
                           "components (bars) and the cumulative sum (line)", shown, n);
        if (k50) len += snprintf(cap + len, sizeof cap - len, "; %d component%s reach 50%%", k50, k50 == 1 ? "" : "s");
        if (k90) snprintf(cap + len, sizeof cap - len, ", %d reach 90%%", k90);
        html_figure_end(&r->body, cap);
    }
    free(comp); free(eig); free(ex); free(cum);
    csv_free(&t);
}

/* a scatter of two numeric columns of RUN/rel coloured by its label column */
static void label_scatter(Report *r, const char *rel, const char *const *req, const char *xc, const char *yc,
                          const char *xlabel, const char *ylabel, const char *what) {
    char path[REPORT_PATH];
    report_path(r, rel, path);
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *x = mg_xmalloc(sizeof(double) * (n + 1)), *y = mg_xmalloc(sizeof(double) * (n + 1));
    Labels lab = {0};
    int *g = NULL;
    if (table_numbers(&t, path, xc, 0, x) || table_numbers(&t, path, yc, 0, y)) {
        report_warn(r, mg_error_get());
    } else if (!n) {
        char msg[REPORT_PATH + 40];
        snprintf(msg, sizeof msg, "%s has no rows.", rel);
        html_para(&r->body, msg);
    } else {
        int lc = csv_column(&t, "label");
        labels_add_column(&lab, &t, lc);
        g = labels_index(&lab, &t, lc);
        html_figure_begin(&r->body);
        fig_scatter(&r->body, x, y, g, n, (const char *const *)lab.names, lab.n, xlabel, ylabel, what);
        char cap[REPORT_PATH + 200];
        int z = csv_column(&t, "z") >= 0;
        snprintf(cap, sizeof cap, "%s: %s of %d images coloured by label%s", rel, what, n,
                 z ? " (a 3-D embedding: x and y shown)" : "");
        html_figure_end(&r->body, cap);
    }
    free(g);
    labels_free(&lab);
    free(x); free(y);
    csv_free(&t);
}

void section_pca(Report *r) {
    int spec = report_has(r, "analysis/pca_spectrum.csv"), proj = report_has(r, "analysis/pca_projection.csv");
    report_section(r, "pca", "PCA of the latent codes", spec || proj);
    if (spec) pca_spectrum(r);
    else html_not_computed(&r->body, "analysis/pca_spectrum.csv", ANALYZE_CMD);
    if (proj) {
        static const char *const req[] = {"file", "label", "pc1", "pc2", NULL};
        label_scatter(r, "analysis/pca_projection.csv", req, "pc1", "pc2", "PC 1", "PC 2", "PCA projection");
    } else html_not_computed(&r->body, "analysis/pca_projection.csv", ANALYZE_CMD);
}

void section_tsne(Report *r) {
    int present = report_has(r, "analysis/tsne.csv");
    report_section(r, "tsne", "t-SNE map", present);
    if (!present) { html_not_computed(&r->body, "analysis/tsne.csv", ANALYZE_CMD); return; }
    static const char *const req[] = {"file", "label", "x", "y", NULL};
    label_scatter(r, "analysis/tsne.csv", req, "x", "y", "t-SNE 1", "t-SNE 2", "t-SNE map");
}

void section_distances(Report *r) {
    char path[REPORT_PATH];
    int present = report_has(r, "analysis/distances.csv");
    report_section(r, "distances", "Distances to the hyperplane", present);
    if (!present) { html_not_computed(&r->body, "analysis/distances.csv", ANALYZE_CMD); return; }
    report_path(r, "analysis/distances.csv", path);
    static const char *const req[] = {"file", "label", "split", "predicted", "distance", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *d = mg_xmalloc(sizeof(double) * (n + 1));
    Labels lab = {0};
    int *by_true = NULL, *by_pred = NULL;
    if (table_numbers(&t, path, "distance", 0, d)) {
        report_warn(r, mg_error_get());
    } else if (!n) {
        html_para(&r->body, "analysis/distances.csv has no rows.");
    } else {
        int lc = csv_column(&t, "label"), pc = csv_column(&t, "predicted");
        labels_add_column(&lab, &t, lc);            /* one set of names: a class keeps its colour */
        labels_add_column(&lab, &t, pc);
        by_true = labels_index(&lab, &t, lc);
        by_pred = labels_index(&lab, &t, pc);
        const char *const *names = (const char *const *)lab.names;
        html_figure_begin(&r->body);
        fig_histograms(&r->body, d, by_true, n, names, lab.n, "signed distance to the hyperplane", 0,
                       "distances by true label");
        html_figure_end(&r->body, "by true label (dashed: the hyperplane, distance 0)");
        html_figure_begin(&r->body);
        fig_histograms(&r->body, d, by_pred, n, names, lab.n, "signed distance to the hyperplane", 0,
                       "distances by predicted label");
        char cap[200];
        snprintf(cap, sizeof cap, "by predicted label; analysis/distances.csv, %d images", n);
        html_figure_end(&r->body, cap);
    }
    free(by_true); free(by_pred);
    labels_free(&lab);
    free(d);
    csv_free(&t);
}
