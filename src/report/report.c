#include "report/report.h"
#include "report/html.h"
#include "report/report_ctx.h"
#include "core/error.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int report_path(const Report *r, const char *name, char *out) {
    return snprintf(out, REPORT_PATH, "%s/%s", r->run, name) >= REPORT_PATH ? -1 : 0;
}

int report_has(const Report *r, const char *name) {
    char p[REPORT_PATH];
    struct stat st;
    return !report_path(r, name, p) && !stat(p, &st) && S_ISREG(st.st_mode);
}

void report_section(Report *r, const char *id, const char *title, int present) {
    html_heading(&r->body, 2, id, title);
    sb_put(&r->toc, "<li><a href=\"#");
    sb_escape(&r->toc, id);
    sb_put(&r->toc, "\">");
    sb_escape(&r->toc, title);
    sb_put(&r->toc, "</a>");
    if (!present) sb_put(&r->toc, " <span class=\"missing\">(not computed)</span>");
    sb_put(&r->toc, "</li>\n");
}

void report_warn(Report *r, const char *msg) {
    if (!r->strict) fprintf(stderr, "morphogan report: warning: %s\n", msg);
    if (!r->n_warnings++) snprintf(r->first_warning, sizeof r->first_warning, "%s", msg);
    html_warning(&r->body, msg);
}

void report_fmt(double v, char *out, size_t cap) {
    if (isnan(v)) snprintf(out, cap, "%s", "");
    else snprintf(out, cap, "%.4g", v);
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcasecmp(s + n - m, suffix);
}

char **report_list(const Report *r, const char *sub, const char *prefix, const char *suffix, int *n) {
    char dir[REPORT_PATH];
    *n = 0;
    if (report_path(r, sub && *sub ? sub : ".", dir)) return NULL;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    int cap = 16;
    char **names = mg_xmalloc(sizeof(char *) * cap);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) || !has_suffix(e->d_name, suffix)) continue;
        char rel[REPORT_PATH];
        if (snprintf(rel, sizeof rel, "%s/%s", sub && *sub ? sub : ".", e->d_name) >= (int)sizeof rel
            || !report_has(r, rel)) continue;              /* regular files only */
        if (*n == cap) {
            cap *= 2;
            char **g = realloc(names, sizeof(char *) * cap);
            if (!g) mg_fatal("out of memory");
            names = g;
        }
        names[*n] = strdup(e->d_name);
        if (!names[*n]) mg_fatal("out of memory");
        (*n)++;
    }
    closedir(d);
    qsort(names, *n, sizeof(char *), cmp_name);
    return names;
}

void report_free_list(char **names, int n) {
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

int report_write(const char *run, const char *out, int strict, int *n_warnings) {
    struct stat st;
    if (stat(run, &st)) return mg_error_set("%s: no such run folder (%s)", run, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return mg_error_set("%s: not a folder; give the run folder (the train --outdir)", run);
    Report r = {.run = run, .strict = strict};
    section_summary(&r);
    section_training(&r);
    section_samples(&r);
    section_metrics(&r);
    section_recon(&r);
    section_classify(&r);
    section_pca(&r);
    section_tsne(&r);
    section_distances(&r);
    section_walks(&r);
    section_effect(&r);
    *n_warnings = r.n_warnings;
    if (strict && r.n_warnings) {
        sb_free(&r.body);
        sb_free(&r.toc);
        return mg_error_set("%s", r.first_warning);
    }
    StrBuf page = {0};
    char title[REPORT_PATH + 32];
    snprintf(title, sizeof title, "morphogan report: %s", run);
    html_begin(&page, title);
    html_heading(&page, 1, NULL, title);
    sb_put(&page, "<ul>\n");
    sb_put(&page, sb_str(&r.toc));
    sb_put(&page, "</ul>\n");
    sb_put(&page, sb_str(&r.body));
    html_end(&page);
    sb_free(&r.body);
    sb_free(&r.toc);
    int rc = html_write_atomic(out, &page);
    sb_free(&page);
    return rc;
}
