/* Loading a data set from a folder of images or from IDX files, through data/prep.h. */
#include "data/dataset.h"
#include "core/error.h"
#include "data/folder.h"
#include "data/idx.h"
#include "io/image_any.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

DatasetOpts dataset_defaults(void) {
    DatasetOpts o = {.prep = prep_defaults(), .labels = NULL, .strict = 0, .limit = 0};
    return o;
}

void dataset_free(Dataset *ds) {
    for (int i = 0; ds->file && i < ds->n; i++) free(ds->file[i]);
    for (int k = 0; ds->class_name && k < ds->n_classes; k++) free(ds->class_name[k]);
    free(ds->file); free(ds->class_name); free(ds->x); free(ds->label); free(ds->src_w); free(ds->src_h);
    memset(ds, 0, sizeof *ds);
}

void ds_rejects_free(DsRejects *r) {
    if (!r) return;
    for (int i = 0; i < r->n; i++) { free(r->file[i]); free(r->reason[i]); }
    free(r->file); free(r->reason);
    memset(r, 0, sizeof *r);
}

static int reject(DsRejects *r, const char *file, const char *reason) {
    if (!r) return 0;
    if (r->n == r->cap) {
        int cap = r->cap ? 2 * r->cap : 16;
        char **f = realloc(r->file, sizeof(char *) * cap);
        if (!f) return mg_error_set("out of memory");
        r->file = f;
        f = realloc(r->reason, sizeof(char *) * cap);
        if (!f) return mg_error_set("out of memory");
        r->reason = f;
        r->cap = cap;
    }
    r->file[r->n] = strdup(file);
    r->reason[r->n] = strdup(reason);
    r->n++;
    return 0;
}

/* "2" < "10" < "a" < "b": all-digit names numerically, then byte order */
static int is_num(const char *s) { if (!*s) return 0; for (; *s; s++) if (!isdigit((unsigned char)*s)) return 0; return 1; }
static int cmp_class(const void *a, const void *b) {
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int nx = is_num(x), ny = is_num(y);
    if (nx && ny) {
        while (*x == '0' && x[1]) x++;
        while (*y == '0' && y[1]) y++;
        size_t lx = strlen(x), ly = strlen(y);
        if (lx != ly) return lx < ly ? -1 : 1;
    } else if (nx != ny) return nx ? -1 : 1;
    return strcmp(x, y);
}

/* class_name = the sorted distinct non-empty names; label[i] = index, or -1 for "" / NULL */
static int make_classes(Dataset *ds, char **names, int n) {
    char **u = malloc(sizeof(char *) * (n + 1));
    if (!u) return mg_error_set("out of memory");
    int nu = 0;
    for (int i = 0; i < n; i++) if (names[i] && names[i][0]) u[nu++] = names[i];
    qsort(u, nu, sizeof *u, cmp_class);
    ds->class_name = malloc(sizeof(char *) * (nu + 1));
    if (!ds->class_name) { free(u); return mg_error_set("out of memory"); }
    ds->n_classes = 0;
    for (int i = 0; i < nu; i++)
        if (!ds->n_classes || strcmp(u[i], ds->class_name[ds->n_classes - 1]))
            ds->class_name[ds->n_classes++] = strdup(u[i]);
    free(u);
    for (int i = 0; i < n; i++) {
        ds->label[i] = -1;
        if (!names[i] || !names[i][0]) continue;
        char **hit = bsearch(&names[i], ds->class_name, ds->n_classes, sizeof(char *), cmp_class);
        ds->label[i] = hit ? (int)(hit - ds->class_name) : -1;
    }
    return 0;
}

static int alloc_ds(Dataset *ds, int n, int c, int s) {
    ds->n = n; ds->c = c; ds->h = ds->w = s;
    ds->x = malloc(sizeof(float) * ((size_t)n * c * s * s + 1));
    ds->label = calloc(n + 1, sizeof(int));
    ds->file = calloc(n + 1, sizeof(char *));
    ds->src_w = calloc(n + 1, sizeof(int));
    ds->src_h = calloc(n + 1, sizeof(int));
    if (!ds->x || !ds->label || !ds->file || !ds->src_w || !ds->src_h) return mg_error_set("out of memory for %d images of %dx%dx%d", n, c, s, s);
    return 0;
}

/* ---- folders ---- */

typedef struct Slot {               /* one listed file after decoding and preparation */
    float *x;                       /* [c, S, S] or NULL */
    int S, w, h, status;            /* status 0 kept, 1 rejected, 2 unreadable, -1 out of memory */
    char why[600];
} Slot;

static int load_folder(const char *root, const DatasetOpts *o, Dataset *ds, DsRejects *rej) {
    FileList l;
    if (folder_list_images(root, &l)) return -1;
    if (l.n == 0) { file_list_free(&l); return mg_error_set("%s: no PNG, JPEG or TIFF images found", root); }
    char **unmatched = NULL;
    int n_unmatched = 0, rc = 0;
    if (o->labels && folder_labels_from_csv(&l, o->labels, &unmatched, &n_unmatched)) { file_list_free(&l); return -1; }
    Slot *s = calloc(l.n, sizeof *s);
    if (!s) { file_list_free(&l); return mg_error_set("out of memory"); }
#pragma omp parallel for schedule(dynamic, 4)
    for (int i = 0; i < l.n; i++) {
        if (!l.label[i]) { s[i].status = 1; snprintf(s[i].why, sizeof s[i].why, "no label in %s", o->labels); continue; }
        Image img;
        if (image_read_any(l.path[i], &img)) { s[i].status = 2; snprintf(s[i].why, sizeof s[i].why, "%s", mg_error_get()); continue; }
        s[i].w = img.w; s[i].h = img.h;
        int side = img.w > img.h ? img.w : img.h;
        s[i].S = o->prep.size > 0 ? o->prep.size : side;
        s[i].x = malloc(sizeof(float) * o->prep.channels * s[i].S * s[i].S);
        if (!s[i].x) s[i].status = -1;
        else {
            s[i].status = prep_image(&img, &o->prep, s[i].x, s[i].why, sizeof s[i].why);
            if (s[i].status == -1) snprintf(s[i].why, sizeof s[i].why, "%s", mg_error_get());
        }
        image_free(&img);
    }
    /* in listing order: the first failure decides; the common size is the first kept image's */
    int kept = 0, S = 0;
    for (int i = 0; i < l.n && rc == 0; i++) {
        if (s[i].status == -1) rc = mg_error_set("%s: out of memory", l.path[i]);
        else if (s[i].status == 2 && o->strict) rc = mg_error_set("%s", s[i].why);
        else if (s[i].status == 0 && !S) S = s[i].S;
        if (rc == 0 && s[i].status == 0 && s[i].S != S) {
            s[i].status = 1;
            snprintf(s[i].why, sizeof s[i].why, "padded size %dx%d differs from the first image's %dx%d (give a size)", s[i].S, s[i].S, S, S);
        }
        if (rc == 0 && s[i].status != 0) {
            char why[700];
            snprintf(why, sizeof why, "%s%s", s[i].status == 2 ? "unreadable: " : "", s[i].why);
            rc = reject(rej, l.rel[i], why);
            if (rej && s[i].status == 2) rej->n_unreadable++;
        }
        kept += s[i].status == 0;
    }
    for (int k = 0; k < n_unmatched && rc == 0; k++) {
        char why[600];
        snprintf(why, sizeof why, "listed in %s but not found", o->labels);
        rc = reject(rej, unmatched[k], why);
    }
    if (rc == 0 && !kept) rc = mg_error_set("%s: no usable images (%d found, all rejected)", root, l.n);
    if (rc == 0) rc = alloc_ds(ds, kept, o->prep.channels, S);
    char **names = rc == 0 ? calloc(kept + 1, sizeof(char *)) : NULL;
    if (rc == 0 && !names) rc = mg_error_set("out of memory");
    if (rc == 0) {
        size_t per = (size_t)o->prep.channels * S * S;
        for (int i = 0, j = 0; i < l.n; i++) {
            if (s[i].status != 0) continue;
            memcpy(ds->x + j * per, s[i].x, sizeof(float) * per);
            ds->file[j] = strdup(l.rel[i]);
            ds->src_w[j] = s[i].w;
            ds->src_h[j] = s[i].h;
            names[j++] = l.label[i];
        }
        rc = make_classes(ds, names, kept);
    }
    free(names);
    if (rc) dataset_free(ds);
    for (int i = 0; i < l.n; i++) free(s[i].x);
    free(s);
    for (int k = 0; k < n_unmatched; k++) free(unmatched[k]);
    free(unmatched);
    file_list_free(&l);
    return rc;
}

/* ---- IDX ---- */

static int file_exists(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISREG(st.st_mode); }

/* the images file of an IDX source: the path itself, or DIR/train-images-idx3-ubyte[.gz] */
static int idx_images_path(const char *path, char *out, size_t n) {
    struct stat st;
    if (stat(path, &st)) return 0;
    if (S_ISREG(st.st_mode)) { snprintf(out, n, "%s", path); return 1; }
    snprintf(out, n, "%s/train-images-idx3-ubyte.gz", path);
    if (file_exists(out)) return 1;
    snprintf(out, n, "%s/train-images-idx3-ubyte", path);
    return file_exists(out);
}

int dataset_is_idx(const char *path) {
    char p[4096];
    if (!idx_images_path(path, p, sizeof p)) return 0;
    gzFile f = gzopen(p, "rb");                   /* reads plain files too */
    if (!f) return 0;
    unsigned char m[4] = {0};
    int got = gzread(f, m, 4);
    gzclose(f);
    return got == 4 && m[0] == 0 && m[1] == 0 && m[2] == 0x08 && m[3] == 0x03;
}

static int load_idx(const char *path, const DatasetOpts *o, Dataset *ds, DsRejects *rej) {
    char ip[4096], lp[4200];
    idx_images_path(path, ip, sizeof ip);
    unsigned dims[3];
    unsigned char *px = NULL;
    if (idx_read_u8(ip, 3, o->limit, dims, &px)) return -1;
    int n = (int)dims[0], h = (int)dims[1], w = (int)dims[2], *lab = NULL, nl = 0, rc = 0;
    /* labels: the given file, or the images file's name with images-idx3 -> labels-idx1 */
    const char *lab_path = o->labels;
    if (!lab_path) {
        snprintf(lp, sizeof lp, "%s", ip);
        char *k = strstr(lp, "images-idx3");
        if (k) { memcpy(k, "labels-idx1", 11); if (file_exists(lp)) lab_path = lp; }
    }
    if (lab_path && idx_load_labels(lab_path, o->limit, &lab, &nl)) { free(px); return -1; }
    if (lab && nl != n) {
        rc = mg_error_set("%s: %d labels for %d images in %s", lab_path, nl, n, ip);
        goto done;
    }
    const char *base = strrchr(ip, '/') ? strrchr(ip, '/') + 1 : ip;
    int side = h > w ? h : w, S = o->prep.size > 0 ? o->prep.size : side, kept = 0;
    size_t per = (size_t)o->prep.channels * S * S;
    char **names = calloc(n + 1, sizeof(char *));
    if (!names || alloc_ds(ds, n, o->prep.channels, S)) { free(names); rc = mg_error_set("out of memory"); goto done; }
    for (int i = 0; i < n && rc == 0; i++) {
        Image img = {.w = w, .h = h, .c = 1, .px = px + (size_t)i * h * w};
        char why[128], name[4200];
        snprintf(name, sizeof name, "%s#%d", base, i);
        int st = prep_image(&img, &o->prep, ds->x + kept * per, why, sizeof why);
        if (st < 0) rc = -1;
        else if (st == 1) rc = reject(rej, name, why);
        else {
            ds->file[kept] = strdup(name);
            ds->src_w[kept] = w;
            ds->src_h[kept] = h;
            char num[16];
            snprintf(num, sizeof num, "%d", lab ? lab[i] : 0);
            names[kept++] = lab ? strdup(num) : NULL;
        }
    }
    ds->n = kept;
    if (rc == 0 && !kept) rc = mg_error_set("%s: no usable images (%d read, all rejected)", ip, n);
    if (rc == 0) rc = make_classes(ds, names, kept);
    for (int i = 0; i < kept; i++) free(names[i]);
    free(names);
done:
    if (rc) dataset_free(ds);
    free(px);
    free(lab);
    return rc;
}

int dataset_load(const char *path, const DatasetOpts *o, Dataset *ds, DsRejects *rej) {
    memset(ds, 0, sizeof *ds);
    if (rej) memset(rej, 0, sizeof *rej);
    if (o->prep.channels != 1 && o->prep.channels != 3) return mg_error_set("%s: channels must be 1 or 3, not %d", path, o->prep.channels);
    if (o->prep.size < 0 || o->prep.size > 4096) return mg_error_set("%s: size must be 1..4096 (or 0 = as read), not %d", path, o->prep.size);
    struct stat st;
    if (stat(path, &st)) return mg_error_set("%s: no such file or folder", path);
    if (dataset_is_idx(path)) return load_idx(path, o, ds, rej);
    if (S_ISDIR(st.st_mode)) return load_folder(path, o, ds, rej);
    return mg_error_set("%s: not a folder of images nor an IDX image file", path);
}

int dataset_image(const Dataset *ds, int i, Image *out) {
    if (image_alloc(out, ds->w, ds->h, ds->c)) return -1;
    size_t hw = (size_t)ds->h * ds->w;
    const float *x = ds->x + (size_t)i * ds->c * hw;
    for (int k = 0; k < ds->c; k++)
        for (size_t p = 0; p < hw; p++) {
            float v = roundf((x[k * hw + p] + 1.f) * 127.5f);
            out->px[p * ds->c + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    return 0;
}
