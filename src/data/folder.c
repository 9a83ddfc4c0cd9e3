/* Recursive image listing and CSV labels. */
#include "data/folder.h"
#include "core/error.h"
#include "io/csv.h"
#include "io/image_any.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void file_list_free(FileList *l) {
    for (int i = 0; i < l->n; i++) { free(l->path[i]); free(l->rel[i]); free(l->label[i]); }
    free(l->path); free(l->rel); free(l->label);
    memset(l, 0, sizeof *l);
}

static int push(FileList *l, const char *path, const char *rel, const char *label) {
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->path, sizeof(char *) * cap); if (!p) return mg_error_set("out of memory"); l->path = p;
        p = realloc(l->rel, sizeof(char *) * cap); if (!p) return mg_error_set("out of memory"); l->rel = p;
        p = realloc(l->label, sizeof(char *) * cap); if (!p) return mg_error_set("out of memory"); l->label = p;
        l->cap = cap;
    }
    l->path[l->n] = strdup(path);
    l->rel[l->n] = strdup(rel);
    l->label[l->n] = strdup(label);
    if (!l->path[l->n] || !l->rel[l->n] || !l->label[l->n]) return mg_error_set("out of memory");
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* dir = root/rel (rel "" at the top); label = first-level folder name, "" at the top */
static int walk(FileList *l, const char *root, const char *rel, const char *label, int depth) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (!d) return mg_error_set("%s: cannot open folder", dir);
    int n = 0, cap = 0, rc = 0;
    char **names = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **p = realloc(names, sizeof(char *) * cap);
            if (!p) { rc = mg_error_set("out of memory"); break; }
            names = p;
        }
        if (!(names[n++] = strdup(e->d_name))) { rc = mg_error_set("out of memory"); break; }
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (int i = 0; i < n && rc == 0; i++) {
        char path[8200], r[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        struct stat st;
        if (stat(path, &st)) continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < 16) rc = walk(l, root, r, depth == 0 ? names[i] : label, depth + 1);
        } else if (S_ISREG(st.st_mode) && image_name_supported(names[i]))
            rc = push(l, path, r, label);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int folder_list_images(const char *root, FileList *out) {
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) || !S_ISDIR(st.st_mode)) return mg_error_set("%s: no such folder", root);
    char r[4096];
    snprintf(r, sizeof r, "%s", root);
    for (size_t k = strlen(r); k > 1 && r[k - 1] == '/';) r[--k] = 0;   /* "dir/" -> "dir" */
    int rc = walk(out, r, "", "", 0);
    if (rc) file_list_free(out);
    return rc;
}

typedef struct Row { const char *file; const char *label; int used; } Row;
static int cmp_row(const void *a, const void *b) { return strcmp(((const Row *)a)->file, ((const Row *)b)->file); }

static Row *find(Row *rows, int n, const char *key) {
    Row k = {.file = key};
    return bsearch(&k, rows, n, sizeof *rows, cmp_row);
}

int folder_labels_from_csv(FileList *l, const char *csv_path, char ***unmatched_rows, int *n_unmatched) {
    *unmatched_rows = NULL;
    *n_unmatched = 0;
    CsvTable t;
    if (csv_read(csv_path, &t)) return -1;
    int fc = csv_column(&t, "file"), lc = csv_column(&t, "label"), rc = 0;
    if (fc < 0 || lc < 0) { fc = 0; lc = 1; }
    if (t.n_cols < 2) { csv_free(&t); return mg_error_set("%s: needs two columns, file and label", csv_path); }
    Row *rows = calloc(t.n_rows + 1, sizeof *rows);
    if (!rows) { csv_free(&t); return mg_error_set("out of memory"); }
    for (int r = 0; r < t.n_rows; r++) { rows[r].file = t.rows[r][fc]; rows[r].label = t.rows[r][lc]; }
    qsort(rows, t.n_rows, sizeof *rows, cmp_row);
    for (int r = 1; r < t.n_rows; r++)
        if (!strcmp(rows[r].file, rows[r - 1].file)) {
            rc = mg_error_set("%s: file '%s' is listed twice", csv_path, rows[r].file);
            goto done;
        }
    for (int i = 0; i < l->n; i++) {
        Row *m = find(rows, t.n_rows, l->rel[i]);
        if (!m) {
            const char *base = strrchr(l->rel[i], '/');
            m = find(rows, t.n_rows, base ? base + 1 : l->rel[i]);
        }
        free(l->label[i]);
        l->label[i] = NULL;
        if (m) {                              /* an empty label: kept without a label */
            m->used = 1;
            if (!(l->label[i] = strdup(m->label))) { rc = mg_error_set("out of memory"); goto done; }
        }
    }
    int nu = 0;
    for (int r = 0; r < t.n_rows; r++) nu += !rows[r].used;
    if (nu) {
        *unmatched_rows = calloc(nu, sizeof(char *));
        if (!*unmatched_rows) { rc = mg_error_set("out of memory"); goto done; }
        for (int r = 0; r < t.n_rows; r++)
            if (!rows[r].used) (*unmatched_rows)[(*n_unmatched)++] = strdup(rows[r].file);
    }
done:
    free(rows);
    csv_free(&t);
    return rc;
}
