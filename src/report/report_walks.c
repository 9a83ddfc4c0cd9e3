/* Editing along a direction: the walks as image strips (walks/<name>.png, captions from walks/walks.csv) and
 * the morphometric effect of the direction (effect.csv) beside the true effect when it is known. */
#include "report/html.h"
#include "report/report_ctx.h"
#include "report/table.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANALYZE_CMD "morphogan analyze"

/* the walks.csv row naming this strip (by file name, with or without a "walks/" prefix), or -1 */
static int caption_row(const CsvTable *t, const char *name) {
    int fc = csv_column(t, "file");
    for (int i = 0; t->n_rows && i < t->n_rows; i++) {
        const char *f = t->rows[i][fc];
        if (!strncmp(f, "walks/", 6)) f += 6;
        if (!strcmp(f, name)) return i;
    }
    return -1;
}

void section_walks(Report *r) {
    int n;
    char **names = report_list(r, "walks", "", ".png", &n);
    report_section(r, "walks", "Walks along the direction", n > 0);
    if (!n) { html_not_computed(&r->body, "walks/*.png", ANALYZE_CMD); report_free_list(names, n); return; }
    CsvTable t = {0};
    int have = 0;
    if (report_has(r, "walks/walks.csv")) {
        char path[REPORT_PATH];
        report_path(r, "walks/walks.csv", path);
        static const char *const req[] = {"file", "direction", "factors", NULL};
        if (table_read(path, req, &t)) report_warn(r, mg_error_get());
        else have = 1;
    }
    for (int i = 0; i < n; i++) {
        char rel[REPORT_PATH], path[REPORT_PATH], cap[3 * REPORT_PATH];
        snprintf(rel, sizeof rel, "walks/%s", names[i]);
        if (report_path(r, rel, path)) continue;
        html_figure_begin(&r->body);
        if (html_png(&r->body, path, rel)) report_warn(r, mg_error_get());
        int row = have ? caption_row(&t, names[i]) : -1;
        if (row >= 0)
            snprintf(cap, sizeof cap, "%s: direction %s, factors %s", rel, t.rows[row][csv_column(&t, "direction")],
                     t.rows[row][csv_column(&t, "factors")]);
        else snprintf(cap, sizeof cap, "%s", rel);
        html_figure_end(&r->body, cap);
    }
    if (have) csv_free(&t);
    report_free_list(names, n);
}

void section_effect(Report *r) {
    char path[REPORT_PATH];
    int present = report_has(r, "effect.csv");
    report_section(r, "effect", "Morphometric effect of the direction", present);
    if (!present) { html_not_computed(&r->body, "effect.csv", ANALYZE_CMD); return; }
    report_path(r, "effect.csv", path);
    static const char *const req[] = {"measure", "unit", "per_unit", "ci_low", "ci_high", "true_effect", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *v = mg_xmalloc(sizeof(double) * (size_t)(n + 1) * 4);
    double *per = v, *lo = v + n, *hi = v + 2 * n, *truth = v + 3 * n;
    if (table_numbers(&t, path, "per_unit", 0, per) || table_numbers(&t, path, "ci_low", 0, lo)
        || table_numbers(&t, path, "ci_high", 0, hi) || table_numbers(&t, path, "true_effect", 1, truth)) {
        report_warn(r, mg_error_get());
        goto done;
    }
    html_para(&r->body, "Change of each measure per unit of walk along the direction (the unit is given per "
                        "row), with its confidence interval; on synthetic data the true effect beside it.");
    static const char *const head[7] = {"measure", "unit", "per unit of walk", "confidence interval",
                                        "true effect", "same sign", "relative error"};
    html_table_begin(&r->body, head, 7);
    int mc = csv_column(&t, "measure"), uc = csv_column(&t, "unit");
    for (int i = 0; i < n; i++) {
        char a[32], b[32], c[32], ci[80], tr[32], sign[8] = "", rel[32] = "";
        report_fmt(per[i], a, sizeof a);
        report_fmt(lo[i], b, sizeof b);
        report_fmt(hi[i], c, sizeof c);
        snprintf(ci, sizeof ci, "[%s, %s]", b, c);
        report_fmt(truth[i], tr, sizeof tr);
        if (isfinite(truth[i])) {
            snprintf(sign, sizeof sign, "%s", (per[i] > 0) == (truth[i] > 0) && (per[i] < 0) == (truth[i] < 0) ? "yes" : "no");
            if (truth[i] != 0) snprintf(rel, sizeof rel, "%+.1f%%", 100 * (per[i] - truth[i]) / fabs(truth[i]));
        }
        const char *cells[7] = {t.rows[i][mc], t.rows[i][uc], a, ci, tr, sign, rel};
        html_table_row(&r->body, cells, 7);
    }
    html_table_end(&r->body);
done:
    free(v);
    csv_free(&t);
}
