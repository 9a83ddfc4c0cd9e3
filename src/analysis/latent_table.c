/* Reading, validating and writing the latent table (see latent_table.h). */
#include "analysis/latent_table.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "io/csv.h"
#include "io/npy.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void latent_table_free(LatentTable *t) {
    for (int i = 0; i < t->n && t->file; i++) free(t->file[i]);
    for (int i = 0; i < t->n && t->label; i++) free(t->label[i]);
    for (int c = 0; c < t->n_classes && t->classes; c++) free(t->classes[c]);
    free(t->file); free(t->label); free(t->classes);
    free(t->codes); free(t->split); free(t->y);
    memset(t, 0, sizeof *t);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* classes = sorted distinct labels; y = indices */
static void index_classes(LatentTable *t) {
    char **sorted = mg_xmalloc((size_t)t->n * sizeof(char *));
    memcpy(sorted, t->label, (size_t)t->n * sizeof(char *));
    qsort(sorted, (size_t)t->n, sizeof(char *), cmp_str);
    t->classes = mg_xmalloc((size_t)(t->n ? t->n : 1) * sizeof(char *));
    t->n_classes = 0;
    for (int i = 0; i < t->n; i++)
        if (!i || strcmp(sorted[i], sorted[i - 1])) t->classes[t->n_classes++] = strdup(sorted[i]);
    free(sorted);
    t->y = mg_xmalloc((size_t)(t->n ? t->n : 1) * sizeof(int));
    for (int i = 0; i < t->n; i++) {
        char **hit = bsearch(&t->label[i], t->classes, (size_t)t->n_classes, sizeof(char *), cmp_str);
        t->y[i] = (int)(hit - t->classes);
    }
}

int latent_table_read(const char *dir, LatentTable *t) {
    memset(t, 0, sizeof *t);
    char npy_path[4096], csv_path[4096];
    snprintf(npy_path, sizeof npy_path, "%s/codes.npy", dir);
    snprintf(csv_path, sizeof csv_path, "%s/table.csv", dir);
    NpyArray a;
    if (npy_read(npy_path, NPY_F32, &a)) return -1;
    if (a.ndim != 2 && a.ndim != 3) {
        int nd = a.ndim;
        npy_free(&a);
        return mg_error_set("%s: codes must be [N, L, D] or [N, D], got %d dimensions", npy_path, nd);
    }
    int64_t n = a.shape[0], L = a.ndim == 3 ? a.shape[1] : 1, D = a.shape[a.ndim - 1];
    if (n < 1 || L < 1 || D < 1 || n > (1 << 30) || L * D > (1 << 30)) {
        const char *s = npy_shape_str(&a);
        npy_free(&a);
        return mg_error_set("%s: codes shape %s is empty or too large", npy_path, s);
    }
    const float *v = a.data;
    for (size_t i = 0; i < a.numel; i++)
        if (!isfinite(v[i])) {
            npy_free(&a);
            return mg_error_set("%s: code %zu, value %zu is not finite", npy_path, i / (size_t)(L * D),
                                i % (size_t)(L * D));
        }
    CsvTable c;
    if (csv_read(csv_path, &c)) { npy_free(&a); return -1; }
    int cf = csv_column(&c, "file"), cl = csv_column(&c, "label"), cs = csv_column(&c, "split");
    int rc = 0;
    if (cf < 0 || cl < 0 || cs < 0)
        rc = mg_error_set("%s: needs the columns file,label,split (missing '%s')", csv_path,
                          cf < 0 ? "file" : cl < 0 ? "label" : "split");
    else if (c.n_rows != n)
        rc = mg_error_set("%s: %d rows but %s holds %lld codes (one row per code, same order)", csv_path, c.n_rows,
                          npy_path, (long long)n);
    for (int r = 0; !rc && r < c.n_rows; r++) {
        const char *sp = c.rows[r][cs];
        if (!c.rows[r][cl][0]) rc = mg_error_set("%s: row %d: empty label", csv_path, r + 1);
        else if (strcmp(sp, "train") && strcmp(sp, "val"))
            rc = mg_error_set("%s: row %d: split '%.40s' is neither train nor val", csv_path, r + 1, sp);
    }
    if (rc) { csv_free(&c); npy_free(&a); return -1; }
    t->n = (int)n; t->L = (int)L; t->D = (int)D;
    t->codes = a.data;                      /* ownership moves to the table */
    t->file = mg_xmalloc((size_t)n * sizeof(char *));
    t->label = mg_xmalloc((size_t)n * sizeof(char *));
    t->split = mg_xmalloc((size_t)n * sizeof(int));
    for (int r = 0; r < t->n; r++) {
        t->file[r] = strdup(c.rows[r][cf]);
        t->label[r] = strdup(c.rows[r][cl]);
        t->split[r] = strcmp(c.rows[r][cs], "train") ? LT_VAL : LT_TRAIN;
    }
    csv_free(&c);
    index_classes(t);
    return 0;
}

int latent_table_select_classes(LatentTable *t, int k, const char *const *names) {
    int *map = mg_xmalloc((size_t)(t->n_classes ? t->n_classes : 1) * sizeof(int));
    for (int c = 0; c < t->n_classes; c++) map[c] = -1;
    for (int j = 0; j < k; j++) {
        int found = -1;
        for (int c = 0; c < t->n_classes; c++) if (!strcmp(t->classes[c], names[j])) found = c;
        if (found < 0) { free(map); return mg_error_set("label '%s' does not occur in the table", names[j]); }
        if (map[found] >= 0) { free(map); return mg_error_set("label '%s' given twice", names[j]); }
        map[found] = j;
    }
    size_t ld = (size_t)t->L * t->D;
    int m = 0;
    for (int i = 0; i < t->n; i++) {
        int nc = map[t->y[i]];
        if (nc < 0) { free(t->file[i]); free(t->label[i]); continue; }
        if (m != i) memmove(t->codes + (size_t)m * ld, t->codes + (size_t)i * ld, ld * sizeof(float));
        t->file[m] = t->file[i]; t->label[m] = t->label[i]; t->split[m] = t->split[i]; t->y[m] = nc;
        m++;
    }
    free(map);
    for (int c = 0; c < t->n_classes; c++) free(t->classes[c]);
    for (int j = 0; j < k; j++) t->classes[j] = strdup(names[j]);
    t->n_classes = k;
    t->n = m;
    return 0;
}

int latent_table_find(const LatentTable *t, const char *s) {
    for (int i = 0; i < t->n; i++) if (!strcmp(t->file[i], s)) return i;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end && v >= 0 && v < t->n) return (int)v;
    return -1;
}

int latent_table_count(const LatentTable *t, int split, int cls) {
    int n = 0;
    for (int i = 0; i < t->n; i++) n += (split < 0 || t->split[i] == split) && (cls < 0 || t->y[i] == cls);
    return n;
}

int latent_table_write(const char *dir, int n, int L, int D, const float *codes, const char *const *file,
                       const char *const *label, const int *split) {
    char p[4096];
    snprintf(p, sizeof p, "%s/codes.npy", dir);
    if (npy_write(p, NPY_F32, 3, (int64_t[]){n, L, D}, codes)) return -1;
    snprintf(p, sizeof p, "%s/table.csv", dir);
    AtomicFile af;
    FILE *f = atomic_open(&af, p);
    if (!f) return -1;
    fputs("file,label,split\n", f);
    for (int i = 0; i < n; i++) {
        csv_write_field(f, file[i]);
        fputc(',', f);
        csv_write_field(f, label[i]);
        fprintf(f, ",%s\n", split[i] == LT_TRAIN ? "train" : "val");
    }
    return atomic_close(&af, 0);
}
