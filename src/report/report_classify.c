/* Classification of the latent codes: the metrics table (analysis/classify.csv) and one confusion-matrix
 * heatmap per classifier (analysis/confusion_<classifier>.csv). */
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

static const char *const metric_cols[] = {"accuracy", "precision", "recall", "f1", "specificity", "auc"};
#define N_METRICS 6

static void metrics_table(Report *r) {
    char path[REPORT_PATH];
    report_path(r, "analysis/classify.csv", path);
    static const char *const req[] = {"classifier", "fold", "accuracy", "precision", "recall", "f1",
                                      "specificity", "auc", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *v = mg_xmalloc(sizeof(double) * (size_t)(n + 1) * N_METRICS);
    for (int m = 0; m < N_METRICS; m++)
        if (table_numbers(&t, path, metric_cols[m], 1, v + (size_t)m * n)) {
            report_warn(r, mg_error_get());
            free(v);
            csv_free(&t);
            return;
        }
    static const char *const head[8] = {"classifier", "fold", "accuracy", "precision", "recall", "F1",
                                        "specificity", "ROC AUC"};
    html_table_begin(&r->body, head, 8);
    int cc = csv_column(&t, "classifier"), fc = csv_column(&t, "fold");
    char num[N_METRICS][32];
    for (int i = 0; i < n; i++) {
        const char *cells[8] = {t.rows[i][cc], t.rows[i][fc]};
        for (int m = 0; m < N_METRICS; m++) {
            double x = v[(size_t)m * n + i];
            if (isnan(x)) num[m][0] = 0;
            else snprintf(num[m], sizeof num[m], "%.3f", x);
            cells[2 + m] = num[m];
        }
        html_table_row(&r->body, cells, 8);
    }
    html_table_end(&r->body);
    if (!n) html_para(&r->body, "analysis/classify.csv has no rows.");
    free(v);
    csv_free(&t);
}

/* one analysis/confusion_<classifier>.csv: header ",pred1,pred2,...", rows "true,count,count,..." */
static void confusion(Report *r, const char *name) {
    char rel[REPORT_PATH], path[REPORT_PATH];
    snprintf(rel, sizeof rel, "analysis/%s", name);
    if (report_path(r, rel, path)) return;
    CsvTable t;
    if (table_read(path, NULL, &t)) { report_warn(r, mg_error_get()); return; }
    char msg[REPORT_PATH + 200];
    int nc = t.n_cols - 1, nr = t.n_rows;
    if (nc < 1 || nr < 1) {
        snprintf(msg, sizeof msg, "%s: line %d: expected a header ',class1,class2,...' and one row per true class",
                 path, nc < 1 ? 1 : 2);
        report_warn(r, msg);
        csv_free(&t);
        return;
    }
    double *counts = mg_xmalloc(sizeof(double) * (size_t)nr * nc);
    const char **rows = mg_xmalloc(sizeof(char *) * nr);
    for (int i = 0; i < nr; i++) {
        rows[i] = t.rows[i][0];
        for (int c = 0; c < nc; c++) {
            double x;
            const char *s = t.rows[i][c + 1];
            if (table_parse_number(s, &x) || !(x >= 0) || !isfinite(x)) {
                snprintf(msg, sizeof msg, "%s: line %d: column %d: '%.40s' is not a count", path, t.line[i], c + 2, s);
                report_warn(r, msg);
                free(counts); free(rows); csv_free(&t);
                return;
            }
            counts[i * nc + c] = x;
        }
    }
    char classifier[256];
    snprintf(classifier, sizeof classifier, "%.*s", (int)(strlen(name) - strlen("confusion_") - 4), name + strlen("confusion_"));
    html_figure_begin(&r->body);
    fig_confusion(&r->body, counts, nr, nc, rows, (const char *const *)t.header + 1, classifier);
    char cap[REPORT_PATH + 600];
    double total = 0, right = 0;
    for (int i = 0; i < nr; i++)
        for (int c = 0; c < nc; c++) {
            total += counts[i * nc + c];
            if (!strcmp(rows[i], t.header[c + 1])) right += counts[i * nc + c];
        }
    snprintf(cap, sizeof cap, "%s: confusion matrix of %s (rows: true class, columns: predicted; %.10g images, "
             "%.1f%% with predicted = true class)", rel, classifier, total, total > 0 ? 100 * right / total : 0.0);
    html_figure_end(&r->body, cap);
    free(counts); free(rows);
    csv_free(&t);
}

void section_classify(Report *r) {
    int n;
    char **names = report_list(r, "analysis", "confusion_", ".csv", &n);
    int table = report_has(r, "analysis/classify.csv");
    report_section(r, "classify", "Classification of the latent codes", table || n > 0);
    if (table) metrics_table(r);
    else html_not_computed(&r->body, "analysis/classify.csv", ANALYZE_CMD);
    for (int i = 0; i < n; i++) confusion(r, names[i]);
    if (!n) html_not_computed(&r->body, "analysis/confusion_<classifier>.csv", ANALYZE_CMD);
    report_free_list(names, n);
}
