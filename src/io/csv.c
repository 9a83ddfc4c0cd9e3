#include "io/csv.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

/* Splits one logical line (already read, may hold quoted commas) into fields; returns count or -1. */
static int split_line(const char *line, char ***out) {
    int cap = 16, n = 0;
    char **f = malloc(sizeof(char *) * cap);
    size_t len = strlen(line);
    char *buf = malloc(len + 1);
    if (!f || !buf) { free(f); free(buf); return -1; }
    const char *p = line;
    for (;;) {
        size_t k = 0;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) break;
                if (*p == '"' && p[1] == '"') { buf[k++] = '"'; p += 2; continue; }
                if (*p == '"') { p++; break; }
                buf[k++] = *p++;
            }
            while (*p && *p != ',') buf[k++] = *p++;
        } else {
            while (*p && *p != ',') buf[k++] = *p++;
        }
        buf[k] = 0;
        if (n == cap) { cap *= 2; char **g = realloc(f, sizeof(char *) * cap); if (!g) goto fail; f = g; }
        f[n] = strdup(buf);
        if (!f[n]) goto fail;
        n++;
        if (*p != ',') break;
        p++;
    }
    free(buf);
    *out = f;
    return n;
fail:
    for (int i = 0; i < n; i++) free(f[i]);
    free(f); free(buf);
    return -1;
}

static char *read_line(FILE *f) {       /* one line without its newline (\n or \r\n); NULL at EOF */
    size_t cap = 256, n = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    int c, any = 0;
    while ((c = fgetc(f)) != EOF) {
        any = 1;
        if (c == '\n') break;
        if (n + 2 > cap) { cap *= 2; char *t = realloc(s, cap); if (!t) { free(s); return NULL; } s = t; }
        s[n++] = (char)c;
    }
    if (!any) { free(s); return NULL; }
    if (n && s[n - 1] == '\r') n--;
    s[n] = 0;
    return s;
}

void csv_free(CsvTable *t) {
    for (int c = 0; c < t->n_cols && t->header; c++) free(t->header[c]);
    free(t->header);
    for (int r = 0; r < t->n_rows; r++) {
        for (int c = 0; c < t->n_cols; c++) free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->line);
    free(t->n_fields);
    memset(t, 0, sizeof *t);
}

int csv_read(const char *path, CsvTable *t) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) return mg_error_set("%s: cannot open", path);
    char *line = read_line(f);
    if (!line) { fclose(f); return mg_error_set("%s: empty file, expected a header line", path); }
    int n = split_line(line, &t->header);
    free(line);
    if (n < 1) { fclose(f); return mg_error_set("%s: cannot parse the header", path); }
    t->n_cols = n;
    int cap = 0, lineno = 1;
    while ((line = read_line(f))) {
        lineno++;
        if (!line[0]) { free(line); continue; }
        char **fields;
        int k = split_line(line, &fields);
        free(line);
        if (k < 0) { fclose(f); csv_free(t); return mg_error_set("%s: line %d: out of memory", path, lineno); }
        char **row = calloc(t->n_cols, sizeof(char *));
        if (!row) { fclose(f); csv_free(t); return mg_error_set("%s: out of memory", path); }
        for (int c = 0; c < t->n_cols; c++) row[c] = c < k ? fields[c] : strdup("");
        for (int c = t->n_cols; c < k; c++) free(fields[c]);
        free(fields);
        if (t->n_rows == cap) {
            cap = cap ? 2 * cap : 256;
            char ***g = realloc(t->rows, sizeof(char **) * cap);
            int *ln = realloc(t->line, sizeof(int) * cap), *nf = ln ? realloc(t->n_fields, sizeof(int) * cap) : NULL;
            if (g) t->rows = g;
            if (ln) t->line = ln;
            if (nf) t->n_fields = nf;
            if (!g || !ln || !nf) {
                for (int c = 0; c < t->n_cols; c++) free(row[c]);
                free(row); fclose(f); csv_free(t);
                return mg_error_set("%s: out of memory", path);
            }
        }
        t->line[t->n_rows] = lineno;
        t->n_fields[t->n_rows] = k;
        t->rows[t->n_rows++] = row;
    }
    fclose(f);
    return 0;
}

int csv_column(const CsvTable *t, const char *name) {
    for (int c = 0; c < t->n_cols; c++) if (!strcmp(t->header[c], name)) return c;
    return -1;
}

void csv_write_field(FILE *f, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) { fputs(s, f); return; }
    fputc('"', f);
    for (; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
    fputc('"', f);
}
