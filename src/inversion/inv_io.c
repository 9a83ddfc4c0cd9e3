/* Files of the inversion commands (see inv_io.h). */
#include "inversion/inv_io.h"
#include "core/error.h"
#include "data/folder.h"
#include "data/split.h"
#include "io/csv.h"
#include "io/gif.h"
#include "io/image.h"
#include "io/image_any.h"
#include "io/atomic_file.h"
#include "io/npy.h"
#include "analysis/latent_table.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- targets ---- */

static int load_one(const char *path, const char *shown, int C, int R, float *dst) {
    Image img;
    if (image_read_any(path, &img)) return -1;
    int rc = 0;
    if (img.w != R || img.h != R)
        rc = mg_error_set("%s: %dx%d image, the generator makes %dx%d; prepare the images first (morphogan dataset --data DIR --size %d --%s --out DIR2)",
                          shown, img.w, img.h, R, R, R, C == 1 ? "gray" : "rgb");
    else if (img.c != C)
        rc = mg_error_set("%s: %s image (%d channel%s), the generator makes %s images; convert them first (morphogan dataset --data DIR --size %d --%s --out DIR2)",
                          shown, img.c == 1 ? "grey" : "RGB", img.c, img.c == 1 ? "" : "s", C == 1 ? "grey" : "RGB", R, C == 1 ? "gray" : "rgb");
    else
        for (int k = 0; k < C; k++)
            for (int p = 0; p < R * R; p++) dst[(size_t)k * R * R + p] = img.px[(size_t)p * C + k] / 127.5f - 1.0f;
    image_free(&img);
    return rc;
}

int inv_load_images(const char *path, int C, int R, InvImages *out) {
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(path, &sb)) return mg_error_set("%s: no such file or folder", path);
    FileList l = {0};
    if (S_ISDIR(sb.st_mode)) {
        if (folder_list_images(path, &l)) return -1;
        if (l.n == 0) { file_list_free(&l); return mg_error_set("%s: no PNG, JPEG or TIFF images in this folder", path); }
    } else {
        l.n = l.cap = 1;
        l.path = mg_xmalloc(sizeof(char *));
        l.rel = mg_xmalloc(sizeof(char *));
        l.label = mg_xmalloc(sizeof(char *));
        l.path[0] = strdup(path);
        const char *base = strrchr(path, '/');
        l.rel[0] = strdup(base ? base + 1 : path);
        l.label[0] = strdup("");
    }
    out->n = l.n;
    out->C = C;
    out->R = R;
    out->x = mg_xmalloc((size_t)l.n * C * R * R * sizeof(float));
    out->file = mg_xcalloc((size_t)l.n, sizeof(char *));
    out->label = mg_xcalloc((size_t)l.n, sizeof(char *));
    int rc = 0;
    for (int i = 0; i < l.n && !rc; i++) {
        rc = load_one(l.path[i], l.path[i], C, R, out->x + (size_t)i * C * R * R);
        out->file[i] = strdup(l.rel[i]);
        out->label[i] = strdup(l.label[i] && l.label[i][0] ? l.label[i] : "unlabelled");
    }
    file_list_free(&l);
    if (rc) inv_images_free(out);
    return rc;
}

void inv_images_free(InvImages *t) {
    for (int i = 0; i < t->n; i++) {
        if (t->file) free(t->file[i]);
        if (t->label) free(t->label[i]);
    }
    free(t->file);
    free(t->label);
    free(t->x);
    memset(t, 0, sizeof *t);
}

int inv_split(const InvImages *t, const char *dir, double frac, uint64_t seed, int *is_val, int *from_csv) {
    char p[4200];
    struct stat sb;
    snprintf(p, sizeof p, "%s/dataset.csv", dir);
    *from_csv = 0;
    if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && stat(p, &sb) == 0) {
        CsvTable c;
        if (csv_read(p, &c)) return -1;
        const int cf = csv_column(&c, "file"), cs = csv_column(&c, "split");
        int rc = cf < 0 || cs < 0 ? mg_error_set("%s: needs the columns file and split", p) : 0;
        for (int i = 0; i < t->n && !rc; i++) {
            int r = 0;
            while (r < c.n_rows && strcmp(c.rows[r][cf], t->file[i])) r++;
            if (r == c.n_rows) rc = mg_error_set("%s: no row for %s", p, t->file[i]);
            else if (!strcmp(c.rows[r][cs], "train")) is_val[i] = 0;
            else if (!strcmp(c.rows[r][cs], "val")) is_val[i] = 1;
            else rc = mg_error_set("%s: %s: split '%s' is neither train nor val", p, t->file[i], c.rows[r][cs]);
        }
        csv_free(&c);
        *from_csv = !rc;
        return rc;
    }
    /* labels as class indices 0..K-1 in order of first appearance (files are listed sorted by path, so
     * this is the byte order of the class folders' names) */
    int *lab = mg_xmalloc(sizeof(int) * (t->n ? t->n : 1)), k = 0;
    for (int i = 0; i < t->n; i++) {
        lab[i] = -1;
        for (int j = 0; j < i && lab[i] < 0; j++)
            if (!strcmp(t->label[j], t->label[i])) lab[i] = lab[j];
        if (lab[i] < 0) lab[i] = k++;
    }
    Split sp;
    if (split_stratified(lab, t->n, frac, seed, &sp)) { free(lab); return mg_error_set("split: bad fraction %g", frac); }
    for (int i = 0; i < t->n; i++) is_val[i] = 0;
    for (int i = 0; i < sp.n_val; i++) is_val[sp.val[i]] = 1;
    split_free(&sp);
    free(lab);
    return 0;
}

void inv_stem(const char *rel, char *out, size_t cap) {
    size_t k = 0;
    const char *dot = strrchr(rel, '.');
    for (const char *p = rel; *p && (!dot || p < dot) && k + 1 < cap; p++)
        out[k++] = (*p == '/' || *p == ' ' || *p == '\\') ? '_' : *p;
    out[k] = 0;
}

/* ---- pictures ---- */

static unsigned char to8(float v) {
    v = (v + 1) * 127.5f;
    return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
}

/* draws x [C,R,R] into img at (x0, y0) */
static void blit(Image *img, const float *x, int C, int R, int x0, int y0) {
    for (int y = 0; y < R; y++)
        for (int xx = 0; xx < R; xx++)
            for (int k = 0; k < C; k++)
                img->px[((size_t)(y0 + y) * img->w + x0 + xx) * C + k] = to8(x[((size_t)k * R + y) * R + xx]);
}

static void fill(Image *img, unsigned char v) { memset(img->px, v, (size_t)img->w * img->h * img->c); }

int inv_write_pair_png(const char *path, const float *x, const float *y, int C, int R) {
    Image img;
    if (image_alloc(&img, 2 * R + 2, R, C)) return mg_error_set("%s: out of memory", path);
    fill(&img, 255);
    blit(&img, x, C, R, 0, 0);
    blit(&img, y, C, R, R + 2, 0);
    int rc = image_write_png(path, &img);
    image_free(&img);
    return rc;
}

int inv_write_pair_grid(const char *path, const float *targets, const float *recon, int n, int C, int R, int cols) {
    if (cols < 1) cols = 1;
    if (cols > n) cols = n;
    const int rows = (n + cols - 1) / cols, cw = 2 * R + 2, gap = 4;
    Image img;
    if (image_alloc(&img, cols * cw + (cols - 1) * gap, rows * R + (rows - 1) * gap, C)) return mg_error_set("%s: out of memory", path);
    fill(&img, 255);
    const size_t in = (size_t)C * R * R;
    for (int i = 0; i < n; i++) {
        const int x0 = (i % cols) * (cw + gap), y0 = (i / cols) * (R + gap);
        blit(&img, targets + i * in, C, R, x0, y0);
        blit(&img, recon + i * in, C, R, x0 + R + 2, y0);
    }
    int rc = image_write_png(path, &img);
    image_free(&img);
    return rc;
}

int inv_write_gif(const char *path, const float *target, const float *frames, size_t stride, int nframes, int C, int R,
                  int delay_cs) {
    Image *fr = mg_xcalloc((size_t)nframes, sizeof(Image));
    int rc = 0;
    for (int f = 0; f < nframes && !rc; f++) {
        if (image_alloc(&fr[f], 2 * R + 2, R, C)) { rc = mg_error_set("%s: out of memory", path); break; }
        fill(&fr[f], 255);
        blit(&fr[f], target, C, R, 0, 0);
        blit(&fr[f], frames + (size_t)f * stride, C, R, R + 2, 0);
    }
    if (!rc) rc = gif_write(path, fr, nframes, delay_cs);
    for (int f = 0; f < nframes; f++) image_free(&fr[f]);
    free(fr);
    return rc;
}

/* ---- tables ---- */

int inv_write_latent_table(const char *dir, int n, int L, int D, const float *codes, char *const *file,
                           char *const *label, const int *split) {
    return latent_table_write(dir, n, L, D, codes, (const char *const *)file, (const char *const *)label, split);   /* 0/1 = LT_TRAIN/LT_VAL */
}

double inv_delta_norm(const float *code, int L, int D) {
    double s = 0;
    for (int l = 1; l < L; l++) {
        double q = 0;
        for (int d = 0; d < D; d++) {
            const double e = (double)code[(size_t)l * D + d] - code[d];
            q += e * e;
        }
        s += sqrt(q);
    }
    return s;
}

int inv_write_errors_csv(const char *path, int n, char *const *file, char *const *label, const char *const *split,
                         const float *l1, const float *l2, const float *perc, const float *delta) {
    AtomicFile a;
    FILE *f = atomic_open(&a, path);
    if (!f) return -1;
    fprintf(f, "file,label%s,l1,l2,perceptual,delta_norm\n", split ? ",split" : "");
    for (int i = 0; i < n; i++) {
        csv_write_field(f, file[i]);
        fputc(',', f);
        csv_write_field(f, label[i]);
        if (split) {
            fputc(',', f);
            csv_write_field(f, split[i]);
        }
        fprintf(f, ",%.6g,%.6g,%.6g,%.6g\n", l1[i], l2[i], perc[i], delta[i]);
    }
    return atomic_close(&a, 0);
}
