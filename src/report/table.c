#include "report/table.h"
#include "core/error.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int table_read(const char *path, const char *const *required, CsvTable *t) {
    if (csv_read(path, t)) return -1;
    for (int k = 0; required && required[k]; k++)
        if (csv_column(t, required[k]) < 0) {
            char want[256] = "";
            for (int j = 0; required[j]; j++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s", j ? "," : "", required[j]);
            csv_free(t);
            return mg_error_set("%s: line 1: no column '%s' (the header needs %s)", path, required[k], want);
        }
    for (int r = 0; r < t->n_rows; r++)
        if (t->n_fields[r] != t->n_cols) {
            int line = t->line[r], nf = t->n_fields[r], nc = t->n_cols;
            csv_free(t);
            return mg_error_set("%s: line %d: %d field%s, the header has %d", path, line, nf, nf == 1 ? "" : "s", nc);
        }
    return 0;
}

int table_parse_number(const char *s, double *out) {
    while (isspace((unsigned char)*s)) s++;
    if (!*s) return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s) return -1;
    while (isspace((unsigned char)*end)) end++;
    if (*end) return -1;
    *out = v;
    return 0;
}

int table_numbers(const CsvTable *t, const char *path, const char *col, int allow_empty, double *out) {
    int c = csv_column(t, col);
    if (c < 0) return mg_error_set("%s: line 1: no column '%s'", path, col);
    for (int r = 0; r < t->n_rows; r++) {
        const char *s = t->rows[r][c];
        const char *p = s;
        while (isspace((unsigned char)*p)) p++;
        if (!*p) {
            if (allow_empty) { out[r] = NAN; continue; }
            return mg_error_set("%s: line %d: column '%s' is empty, expected a number", path, t->line[r], col);
        }
        if (table_parse_number(s, &out[r]))
            return mg_error_set("%s: line %d: column '%s': '%.40s' is not a number", path, t->line[r], col, s);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void labels_add_column(Labels *l, const CsvTable *t, int col) {
    char **all = mg_xmalloc(sizeof(char *) * (size_t)(l->n + t->n_rows + 1));
    int m = 0;
    for (int k = 0; k < l->n; k++) all[m++] = l->names[k];
    for (int r = 0; r < t->n_rows; r++) all[m++] = t->rows[r][col];
    qsort(all, m, sizeof(char *), cmp_str);
    char **names = mg_xmalloc(sizeof(char *) * (size_t)(m + 1));
    int n = 0;
    for (int k = 0; k < m; k++) {
        if (n && !strcmp(names[n - 1], all[k])) continue;
        names[n] = strdup(all[k]);
        if (!names[n]) mg_fatal("out of memory");
        n++;
    }
    free(all);
    labels_free(l);
    l->names = names;
    l->n = n;
}

int *labels_index(const Labels *l, const CsvTable *t, int col) {
    int *idx = mg_xmalloc(sizeof(int) * (size_t)(t->n_rows > 0 ? t->n_rows : 1));
    for (int r = 0; r < t->n_rows; r++) {
        const char *key = t->rows[r][col];
        char *const *hit = bsearch(&key, l->names, l->n, sizeof(char *), cmp_str);
        idx[r] = hit ? (int)(hit - l->names) : -1;
    }
    return idx;
}

void labels_free(Labels *l) {
    for (int k = 0; k < l->n; k++) free(l->names[k]);
    free(l->names);
    l->names = NULL;
    l->n = 0;
}
