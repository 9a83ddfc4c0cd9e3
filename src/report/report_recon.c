/* Reconstructions: the grid of targets beside their reconstructions (recon/grid.png) and the per-image
 * errors (recon/errors.csv): kernel densities of the L1 error by label, and a per-label table. */
#include "report/figures.h"
#include "report/html.h"
#include "report/report_ctx.h"
#include "report/table.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECON_CMD "morphogan encode"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* mean of the finite v[i] with group[i] == g, and how many there were */
static double group_mean(const double *v, const int *group, int n, int g, int *count) {
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++) if (group[i] == g && isfinite(v[i])) { s += v[i]; k++; }
    *count = k;
    return k ? s / k : NAN;
}

static void error_table(Report *r, const Labels *lab, const int *g, int n, const double *l1, const double *l2,
                        const double *perc) {
    static const char *const head[6] = {"label", "images", "mean L1", "median L1", "mean L2", "mean perceptual"};
    html_table_begin(&r->body, head, 6);
    double *tmp = mg_xmalloc(sizeof(double) * (n + 1));
    for (int k = 0; k < lab->n; k++) {
        int m = 0, c;
        for (int i = 0; i < n; i++) if (g[i] == k && isfinite(l1[i])) tmp[m++] = l1[i];
        qsort(tmp, m, sizeof(double), cmp_double);
        double med = m ? (m % 2 ? tmp[m / 2] : 0.5 * (tmp[m / 2 - 1] + tmp[m / 2])) : NAN;
        char cnt[16], a[32], b[32], d[32], e[32];
        int total = 0;
        for (int i = 0; i < n; i++) total += g[i] == k;
        snprintf(cnt, sizeof cnt, "%d", total);
        report_fmt(group_mean(l1, g, n, k, &c), a, sizeof a);
        report_fmt(med, b, sizeof b);
        report_fmt(group_mean(l2, g, n, k, &c), d, sizeof d);
        report_fmt(group_mean(perc, g, n, k, &c), e, sizeof e);
        const char *cells[6] = {lab->names[k], cnt, a, b, d, e};
        html_table_row(&r->body, cells, 6);
    }
    free(tmp);
    html_table_end(&r->body);
}

void section_recon(Report *r) {
    char path[REPORT_PATH];
    int grid = report_has(r, "recon/grid.png"), errors = report_has(r, "recon/errors.csv");
    report_section(r, "recon", "Reconstructions", grid || errors);
    if (grid) {
        report_path(r, "recon/grid.png", path);
        html_figure_begin(&r->body);
        if (html_png(&r->body, path, "recon/grid.png")) report_warn(r, mg_error_get());
        html_figure_end(&r->body, "recon/grid.png: targets and their reconstructions");
    } else html_not_computed(&r->body, "recon/grid.png", RECON_CMD);
    if (!errors) { html_not_computed(&r->body, "recon/errors.csv", RECON_CMD); return; }
    report_path(r, "recon/errors.csv", path);
    static const char *const req[] = {"file", "label", "split", "l1", "l2", "perceptual", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *l1 = mg_xmalloc(sizeof(double) * (n + 1)), *l2 = mg_xmalloc(sizeof(double) * (n + 1)),
           *perc = mg_xmalloc(sizeof(double) * (n + 1));
    Labels lab = {0};
    int *g = NULL;
    if (table_numbers(&t, path, "l1", 0, l1) || table_numbers(&t, path, "l2", 1, l2)
        || table_numbers(&t, path, "perceptual", 1, perc)) {
        report_warn(r, mg_error_get());
        goto done;
    }
    if (!n) { html_para(&r->body, "recon/errors.csv has no rows."); goto done; }
    int lc = csv_column(&t, "label");
    labels_add_column(&lab, &t, lc);
    g = labels_index(&lab, &t, lc);
    html_figure_begin(&r->body);
    fig_densities(&r->body, l1, g, n, (const char *const *)lab.names, lab.n, "per-image L1 error", KDE_SCOTT,
                  "L1 reconstruction error density by label");
    char cap[200];
    snprintf(cap, sizeof cap, "recon/errors.csv: Gaussian kernel density of the per-image L1 error by label "
                              "(%d images; Scott's bandwidth)", n);
    html_figure_end(&r->body, cap);
    error_table(r, &lab, g, n, l1, l2, perc);
done:
    free(g);
    labels_free(&lab);
    free(l1); free(l2); free(perc);
    csv_free(&t);
}
