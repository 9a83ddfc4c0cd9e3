/* Sections from training: run summary (config.json), training curves (log.csv), the newest sample grid
 * (samples_<step>.png) and metrics during training (metrics.csv). */
#include "report/figures.h"
#include "report/html.h"
#include "report/report_ctx.h"
#include "report/table.h"
#include "core/error.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRAIN_CMD "morphogan train --outdir RUN"
#define MAX_JSON (1 << 20)

/* the text of RUN/name (at most MAX_JSON bytes), NULL + message when it cannot be read */
static char *slurp(const char *path, char *msg, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(msg, cap, "%s: cannot open", path); return NULL; }
    char *s = mg_xmalloc(MAX_JSON + 1);
    size_t n = fread(s, 1, MAX_JSON + 1, f);
    fclose(f);
    if (n > MAX_JSON) { free(s); snprintf(msg, cap, "%s: larger than %d bytes, not a run configuration", path, MAX_JSON); return NULL; }
    s[n] = 0;
    if (strlen(s) != n) { free(s); snprintf(msg, cap, "%s: holds a NUL byte, not JSON text", path); return NULL; }
    return s;
}

void section_summary(Report *r) {
    char path[REPORT_PATH], msg[REPORT_PATH + 200];
    int present = report_has(r, "config.json");
    report_section(r, "summary", "Run summary", present);
    html_para(&r->body, r->run);
    if (!present) { html_not_computed(&r->body, "config.json", TRAIN_CMD); return; }
    report_path(r, "config.json", path);
    char *text = slurp(path, msg, sizeof msg);
    if (!text) { report_warn(r, msg); return; }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithOpts(text, &end, 1);
    if (!o || !cJSON_IsObject(o)) {
        int line = 1;
        const char *stop = o ? text : (end ? end : cJSON_GetErrorPtr());
        for (const char *p = text; stop && p < stop && *p; p++) line += *p == '\n';
        snprintf(msg, sizeof msg, "%s: line %d: %s", path, line, o ? "not a JSON object" : "not valid JSON");
        report_warn(r, msg);
        cJSON_Delete(o);
        free(text);
        return;
    }
    static const char *const head[2] = {"setting", "value"};
    html_table_begin(&r->body, head, 2);
    for (cJSON *it = o->child; it; it = it->next) {
        char num[64];
        char *printed = NULL;
        const char *v;
        if (cJSON_IsString(it)) v = it->valuestring;
        else if (cJSON_IsNumber(it)) { snprintf(num, sizeof num, "%.10g", it->valuedouble); v = num; }
        else v = printed = cJSON_PrintUnformatted(it);
        const char *cells[2] = {it->string ? it->string : "", v ? v : ""};
        html_table_row(&r->body, cells, 2);
        free(printed);
    }
    html_table_end(&r->body);
    cJSON_Delete(o);
    free(text);
}

static int ignored_column(const char *name) {
    return !strcmp(name, "step") || !strcmp(name, "kimg") || !strcmp(name, "seconds");
}

void section_training(Report *r) {
    char path[REPORT_PATH];
    int present = report_has(r, "log.csv");
    report_section(r, "training", "Training curves", present);
    if (!present) { html_not_computed(&r->body, "log.csv", TRAIN_CMD); return; }
    report_path(r, "log.csv", path);
    CsvTable t;
    if (table_read(path, NULL, &t)) { report_warn(r, mg_error_get()); return; }
    const char *xcol = csv_column(&t, "kimg") >= 0 ? "kimg" : csv_column(&t, "step") >= 0 ? "step" : NULL;
    int n = t.n_rows;
    double *x = mg_xmalloc(sizeof(double) * (n + 1)), *v = mg_xmalloc(sizeof(double) * (size_t)(n + 1) * t.n_cols);
    Series *s = mg_xcalloc(t.n_cols, sizeof(Series));
    int ns = 0;
    if (!xcol) {
        char msg[REPORT_PATH + 100];
        snprintf(msg, sizeof msg, "%s: line 1: no column 'kimg' or 'step' to plot against", path);
        report_warn(r, msg);
        goto done;
    }
    if (table_numbers(&t, path, xcol, 0, x)) { report_warn(r, mg_error_get()); goto done; }
    for (int c = 0; c < t.n_cols; c++) {
        if (ignored_column(t.header[c])) continue;
        double *y = v + (size_t)ns * n;
        if (table_numbers(&t, path, t.header[c], 1, y)) { report_warn(r, mg_error_get()); goto done; }
        s[ns++] = (Series){t.header[c], x, y, n};
    }
    if (!n || !ns) { html_para(&r->body, n ? "log.csv has no columns to plot besides step, kimg and seconds." : "log.csv has no rows yet."); goto done; }
    double lo = INFINITY, hi = 0;
    int positive = 1;
    for (int j = 0; j < ns; j++)
        for (int i = 0; i < n; i++) {
            double y = s[j].y[i];
            if (!isfinite(y)) continue;
            if (y <= 0) positive = 0;
            lo = fmin(lo, y); hi = fmax(hi, y);
        }
    int log_y = positive && hi > 100 * lo;        /* losses spanning more than two decades */
    html_figure_begin(&r->body);
    int bin = fig_lines(&r->body, s, ns, xcol, log_y ? "value (log scale)" : "value", log_y, "training curves");
    char cap[512];
    int sc = csv_column(&t, "seconds");
    double last_x = x[n - 1], secs = NAN;
    if (sc >= 0) table_parse_number(t.rows[n - 1][sc], &secs);
    int k = snprintf(cap, sizeof cap, "log.csv: %d rows up to %s %.6g", n, xcol, last_x);
    if (isfinite(secs)) k += snprintf(cap + k, sizeof cap - k, " after %.0f s", secs);
    if (bin > 1) snprintf(cap + k, sizeof cap - k, "; each point is the mean of %d consecutive rows", bin);
    html_figure_end(&r->body, cap);
done:
    free(s); free(v); free(x);
    csv_free(&t);
}

/* the step number in samples_<step>.png, -1 when the name has none */
static long sample_step(const char *name) {
    const char *p = name + strlen("samples_");
    char *end;
    long v = strtol(p, &end, 10);
    return end == p || strcasecmp(end, ".png") ? -1 : v;
}

void section_samples(Report *r) {
    int n;
    char **names = report_list(r, "", "samples_", ".png", &n);
    report_section(r, "samples", "Samples", n > 0);
    if (n == 0) { html_not_computed(&r->body, "samples_<step>.png", TRAIN_CMD); report_free_list(names, n); return; }
    int best = 0;
    for (int i = 1; i < n; i++)
        if (sample_step(names[i]) >= sample_step(names[best])) best = i;       /* names are sorted: ties go to the later */
    char path[REPORT_PATH], cap[REPORT_PATH + 100];
    report_path(r, names[best], path);
    html_figure_begin(&r->body);
    if (html_png(&r->body, path, names[best])) report_warn(r, mg_error_get());
    long step = sample_step(names[best]);
    if (step >= 0) snprintf(cap, sizeof cap, "%s: fixed seeds at step %ld, the newest of %d grid%s", names[best], step, n, n == 1 ? "" : "s");
    else snprintf(cap, sizeof cap, "%s, the newest of %d grid%s", names[best], n, n == 1 ? "" : "s");
    html_figure_end(&r->body, cap);
    report_free_list(names, n);
}

void section_metrics(Report *r) {
    char path[REPORT_PATH];
    int present = report_has(r, "metrics.csv");
    report_section(r, "metrics", "Metrics during training", present);
    if (!present) { html_not_computed(&r->body, "metrics.csv", "morphogan train --outdir RUN (with metrics during training)"); return; }
    report_path(r, "metrics.csv", path);
    static const char *const req[] = {"step", "kimg", "metric", "value", NULL};
    CsvTable t;
    if (table_read(path, req, &t)) { report_warn(r, mg_error_get()); return; }
    int n = t.n_rows;
    double *kimg = mg_xmalloc(sizeof(double) * (n + 1)), *val = mg_xmalloc(sizeof(double) * (n + 1));
    double *x = mg_xmalloc(sizeof(double) * (n + 1)), *y = mg_xmalloc(sizeof(double) * (n + 1));
    Labels lab = {0};
    int *g = NULL;
    if (table_numbers(&t, path, "kimg", 0, kimg) || table_numbers(&t, path, "value", 1, val)) {
        report_warn(r, mg_error_get());
        goto done;
    }
    if (!n) { html_para(&r->body, "metrics.csv has no rows yet."); goto done; }
    int mc = csv_column(&t, "metric");
    labels_add_column(&lab, &t, mc);
    g = labels_index(&lab, &t, mc);
    for (int k = 0; k < lab.n; k++) {
        int m = 0;
        for (int i = 0; i < n; i++) if (g[i] == k) { x[m] = kimg[i]; y[m] = val[i]; m++; }
        Series s = {lab.names[k], x, y, m};
        html_figure_begin(&r->body);
        fig_lines(&r->body, &s, 1, "kimg", lab.names[k], 0, lab.names[k]);
        char cap[300], last[32];
        report_fmt(y[m - 1], last, sizeof last);
        snprintf(cap, sizeof cap, "%.100s: %d value%s, the last %s at %.6g kimg", lab.names[k], m, m == 1 ? "" : "s",
                 *last ? last : "(empty)", x[m - 1]);
        html_figure_end(&r->body, cap);
    }
done:
    free(g);
    labels_free(&lab);
    free(kimg); free(val); free(x); free(y);
    csv_free(&t);
}
