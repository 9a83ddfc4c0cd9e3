#include "morpho/batch.h"
#include "core/error.h"
#include "io/csv.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void image_list_free(ImageList *l) {
    for (int i = 0; i < l->n; i++) { free(l->path[i]); free(l->name[i]); free(l->group[i]); }
    free(l->path); free(l->name); free(l->group);
    memset(l, 0, sizeof *l);
}

static int push(ImageList *l, const char *path, const char *name, const char *group) {
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 256;
        char **a = realloc(l->path, sizeof(char *) * cap);
        if (a) l->path = a;
        char **b = realloc(l->name, sizeof(char *) * cap);
        if (b) l->name = b;
        char **c = realloc(l->group, sizeof(char *) * cap);
        if (c) l->group = c;
        if (!a || !b || !c) return mg_error_set("out of memory listing images");
        l->cap = cap;
    }
    l->path[l->n] = strdup(path);
    l->name[l->n] = strdup(name);
    l->group[l->n] = strdup(group);
    if (!l->path[l->n] || !l->name[l->n] || !l->group[l->n]) return mg_error_set("out of memory listing images");
    l->n++;
    return 0;
}

static int has_png_suffix(const char *s) {
    size_t n = strlen(s);
    return n > 4 && !strcasecmp(s + n - 4, ".png");
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *base_name(const char *path, char *buf, size_t size) {
    snprintf(buf, size, "%s", path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
    const char *s = strrchr(buf, '/');
    return s ? s + 1 : buf;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted entry names of dir (without . and ..); *n set.  NULL on error. */
static char **list_dir(const char *dir, int *n) {
    DIR *d = opendir(dir);
    if (!d) return NULL;
    int cap = 64;
    char **names = malloc(sizeof(char *) * cap);
    *n = 0;
    struct dirent *e;
    while (names && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (*n == cap) { cap *= 2; char **g = realloc(names, sizeof(char *) * cap); if (!g) break; names = g; }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (names) qsort(names, *n, sizeof(char *), cmp_str);
    return names;
}

/* adds the PNGs directly in dir; prefix is prepended to the CSV name */
static int add_folder_pngs(ImageList *l, const char *dir, const char *prefix, const char *group, int recurse) {
    int n;
    char **names = list_dir(dir, &n);
    if (!names) return mg_error_set("%s: cannot read folder", dir);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        char path[4096], name[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(name, sizeof name, "%s%s", prefix, names[i]);
        if (has_png_suffix(names[i]) && !is_dir(path)) rc = push(l, path, name, group);
        else if (recurse && is_dir(path)) {
            char pre[4096];
            snprintf(pre, sizeof pre, "%s%s/", prefix, names[i]);
            rc = add_folder_pngs(l, path, pre, names[i], 0);
        }
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int image_list_add(ImageList *l, const char *input) {
    char buf[4096];
    if (is_dir(input)) return add_folder_pngs(l, input, "", base_name(input, buf, sizeof buf), 1);
    if (access(input, F_OK) != 0) return mg_error_set("%s: no such file or folder", input);
    /* a single file: its group is the folder it lies in */
    snprintf(buf, sizeof buf, "%s", input);
    char *slash = strrchr(buf, '/');
    const char *group = ".";
    char gb[4096];
    if (slash) { *slash = 0; group = base_name(buf, gb, sizeof gb); }
    return push(l, input, input, group);
}

int measure_all(const ImageList *l, int n_harm, Measures *m) {
    int unreadable = 0;
#pragma omp parallel reduction(+ : unreadable)
    {
        MorphoWork wk;
        morpho_work_init(&wk);
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < l->n; i++) {
            Image img;
            memset(&m[i], 0, sizeof m[i]);
            if (image_read_png(l->path[i], &img)) {
                m[i].flag = SEG_UNREADABLE;
                fprintf(stderr, "morphogan: %s\n", mg_error_get());
                unreadable++;
                continue;
            }
            if (morpho_measure_image(&img, &wk, n_harm, &m[i])) m[i].flag = SEG_MEASURE_FAILED;
            image_free(&img);
        }
        morpho_work_free(&wk);
    }
    return unreadable;
}

int write_measures_csv(const char *path, const ImageList *l, const Measures *m, int n_harm) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return mg_error_set("%s: cannot write", tmp);
    fprintf(f, "file,group,ok,flag");
    for (int k = 0; k < MORPHO_N_SCALARS; k++) fprintf(f, ",%s", morpho_scalar_names[k]);
    fprintf(f, ",centroid_x,centroid_y,angle_deg");
    for (int h = 1; h <= n_harm; h++) fprintf(f, ",efd%d_a,efd%d_b,efd%d_c,efd%d_d", h, h, h, h);
    fputc('\n', f);
    for (int i = 0; i < l->n; i++) {
        csv_write_field(f, l->name[i]);
        fputc(',', f);
        csv_write_field(f, l->group[i]);
        int ok = m[i].flag == SEG_OK;
        fprintf(f, ",%d,%s", ok, seg_flag_name(m[i].flag));
        double s[MORPHO_N_SCALARS];
        morpho_scalars(&m[i], s);
        for (int k = 0; k < MORPHO_N_SCALARS; k++) ok ? fprintf(f, ",%.6g", s[k]) : fputs(",", f);
        ok ? fprintf(f, ",%.3f,%.3f,%.3f", m[i].cx, m[i].cy, m[i].angle_deg) : fputs(",,,", f);
        for (int h = 0; h < n_harm; h++)
            for (int k = 0; k < 4; k++) ok ? fprintf(f, ",%.6g", m[i].efd[h][k]) : fputs(",", f);
        fputc('\n', f);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return mg_error_set("%s: cannot write", path);
    }
    return 0;
}
