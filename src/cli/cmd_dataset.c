/* morphogan dataset: load and prepare a data set, print its counts per class and split, list every
 * rejected file with the reason, and optionally write the prepared images (PNG) and a CSV. */
#include "cli/commands.h"
#include "core/error.h"
#include "data/augment.h"
#include "data/dataset.h"
#include "data/split.h"
#include "io/csv.h"
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f) {
    fprintf(f,
        "usage: morphogan dataset --data PATH [options]\n"
        "Loads and prepares a data set as training would, prints images per class (train/val), sizes,\n"
        "channels, and every rejected file with the reason.\n"
        "PATH is a folder of PNG/JPEG/TIFF images (labels = first-level sub-folder names: PATH/<class>/...)\n"
        "or an IDX image file (plain or .gz; labels from the matching labels-idx1 file), or a folder\n"
        "holding train-images-idx3-ubyte[.gz].\n\n"
        "  --labels FILE       labels: a CSV with columns file,label (folders), or an IDX label file\n"
        "  --size N            side of the prepared square images (default 64; IDX: the files' own size);\n"
        "                      0 = keep the padded size as read\n"
        "  --gray | --rgb      grey (default; RGB -> Rec. 601 luminance) or RGB (grey replicated)\n"
        "  --pad mean|black|white   fill colour when padding to a square (default mean: the image's mean)\n"
        "  --max-black F       reject images with more than this fraction of black pixels (default 0.2,\n"
        "                      IDX: 1 = keep all)\n"
        "  --black-level N     a pixel is black when its grey value is <= N, 0..255 (default 10)\n"
        "  --strict            an unreadable image stops the run (exit 1) instead of being skipped\n"
        "  --split F           fraction for training, stratified by label (default 0.8)\n"
        "  --seed S            seed of the split (default 1)\n"
        "  --limit N           IDX: use only the first N images\n"
        "  --align             canonical pose of each cell (after resizing): centroid to the centre, major axis\n"
        "                      horizontal, flipped top-bottom so every midline bends the same way (an arch);\n"
        "                      an image whose cell cannot be measured is rejected.  For latent analysis:\n"
        "                      a linear direction cannot tell bent from straight when cells bend both ways\n"
        "  --out DIR           write the prepared images as PNGs under DIR and DIR/dataset.csv (file,label,split)\n");
}

static int bad(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "morphogan dataset: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "; see 'morphogan dataset --help'\n");
    return 2;
}

static int num(const char *opt, const char *v, double lo, double hi, int integer, double *out) {
    char *end = NULL;
    errno = 0;
    double x = v ? strtod(v, &end) : 0;
    if (!v || !*v || errno || *end || !(x >= lo && x <= hi) || (integer && x != (long)x)) {
        char range[128];
        snprintf(range, sizeof range, integer ? "a whole number from %.0f to %.0f" : "a number from %g to %g", lo, hi);
        fprintf(stderr, "morphogan dataset: %s needs %s, not '%s'; see 'morphogan dataset --help'\n", opt, range, v ? v : "");
        return -1;
    }
    *out = x;
    return 0;
}

static int mkdirs(const char *path) {
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') { *s = 0; if (mkdir(p, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create folder", p); *s = '/'; }
    if (mkdir(p, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create folder", p);
    return 0;
}

/* out name of image i: folders: its relative path with the extension replaced by .png;
 * IDX ("name#7"): <class>/00007.png */
static void out_name(const Dataset *ds, int i, char *buf, size_t n) {
    const char *f = ds->file[i], *hash = strchr(f, '#');
    if (hash) {
        snprintf(buf, n, "%s/%05d.png", ds->label[i] >= 0 ? ds->class_name[ds->label[i]] : "unlabelled", atoi(hash + 1));
        return;
    }
    snprintf(buf, n, "%s", f);
    char *dot = strrchr(buf, '.'), *slash = strrchr(buf, '/');
    if (dot && (!slash || dot > slash)) *dot = 0;
    strncat(buf, ".png", n - strlen(buf) - 1);
}

static int write_out(const char *dir, const Dataset *ds, const char *is_train) {
    if (mkdirs(dir)) return -1;
    char csv[4200], tmp[4300];
    snprintf(csv, sizeof csv, "%s/dataset.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", csv);
    FILE *f = fopen(tmp, "w");
    if (!f) return mg_error_set("%s: cannot create", tmp);
    fprintf(f, "file,label,split\n");
    int rc = 0;
    for (int i = 0; i < ds->n && rc == 0; i++) {
        char name[4096], path[8300];
        out_name(ds, i, name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        char *slash = strrchr(path, '/');
        *slash = 0;
        rc = mkdirs(path);
        *slash = '/';
        Image img;
        if (rc == 0 && (rc = dataset_image(ds, i, &img)) == 0) {
            rc = image_write_png(path, &img);
            image_free(&img);
        }
        csv_write_field(f, name);
        fputc(',', f);
        csv_write_field(f, ds->label[i] >= 0 ? ds->class_name[ds->label[i]] : "");
        fprintf(f, ",%s\n", is_train[i] ? "train" : "val");
    }
    if (fclose(f) && rc == 0) rc = mg_error_set("%s: write failed", tmp);
    if (rc == 0 && rename(tmp, csv)) rc = mg_error_set("%s: cannot rename to %s", tmp, csv);
    if (rc) remove(tmp);
    return rc;
}

static void print_summary(const char *data, const Dataset *ds, const DsRejects *rej, const Split *sp,
                          const DatasetOpts *o, double frac, unsigned long long seed, double secs) {
    int idx = dataset_is_idx(data);
    printf("data: %s (%s): %d images kept, %d rejected (%d unreadable), loaded in %.2f s\n", data,
           idx ? "IDX" : "folder", ds->n, rej->n, rej->n_unreadable, secs);
    int minw = ds->src_w[0], maxw = minw, minh = ds->src_h[0], maxh = minh;
    for (int i = 1; i < ds->n; i++) {
        if (ds->src_w[i] < minw) minw = ds->src_w[i];
        if (ds->src_w[i] > maxw) maxw = ds->src_w[i];
        if (ds->src_h[i] < minh) minh = ds->src_h[i];
        if (ds->src_h[i] > maxh) maxh = ds->src_h[i];
    }
    static const char *const pads[] = {"the mean colour", "black", "white"};
    printf("images: %d x %d x %d x %d (%s), padded to square with %s", ds->n, ds->c, ds->h, ds->w,
           ds->c == 1 ? "grey" : "RGB", pads[o->prep.pad]);
    if (minw == maxw && minh == maxh) printf("; size as read %dx%d\n", minw, minh);
    else printf("; sizes as read %d..%d x %d..%d\n", minw, maxw, minh, maxh);
    if (o->prep.max_black < 1) printf("black filter: reject above %.2f black (grey <= %d)\n", o->prep.max_black, o->prep.black_level);
    else printf("black filter: off\n");
    printf("split: %.2f train, stratified by label, seed %llu\n", frac, seed);
    int K = ds->n_classes + 1;                   /* last row: unlabelled */
    int *tr = calloc(K, sizeof(int)), *va = calloc(K, sizeof(int));
    if (!tr || !va) { free(tr); free(va); return; }
    for (int k = 0; k < sp->n_train; k++) { int l = ds->label[sp->train[k]]; tr[l < 0 ? K - 1 : l]++; }
    for (int k = 0; k < sp->n_val; k++) { int l = ds->label[sp->val[k]]; va[l < 0 ? K - 1 : l]++; }
    int wname = 12;
    for (int k = 0; k < ds->n_classes; k++) if ((int)strlen(ds->class_name[k]) > wname) wname = (int)strlen(ds->class_name[k]);
    printf("%-*s %7s %7s %7s\n", wname, "class", "train", "val", "total");
    for (int k = 0; k < K; k++) {
        if (k == K - 1 && !tr[k] && !va[k]) continue;
        printf("%-*s %7d %7d %7d\n", wname, k < K - 1 ? ds->class_name[k] : "(no label)", tr[k], va[k], tr[k] + va[k]);
    }
    printf("%-*s %7d %7d %7d\n", wname, "total", sp->n_train, sp->n_val, ds->n);
    free(tr);
    free(va);
    if (rej->n) printf("rejected (%d):\n", rej->n);
    for (int i = 0; i < rej->n; i++) printf("  %s: %s\n", rej->file[i], rej->reason[i]);
}

int cmd_dataset(int argc, char **argv) {
    DatasetOpts o = dataset_defaults();
    const char *data = NULL, *out = NULL;
    double frac = 0.8, x;
    unsigned long long seed = 1;
    int size_given = 0, black_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        else if (!strcmp(a, "--gray") || !strcmp(a, "--grey")) o.prep.channels = 1;
        else if (!strcmp(a, "--rgb")) o.prep.channels = 3;
        else if (!strcmp(a, "--strict")) o.strict = 1;
        else if (!strcmp(a, "--align")) o.prep.align = 1;
        else if (!v) return bad("%s needs a value%s", a, "");
        else {
            i++;
            if (!strcmp(a, "--data")) data = v;
            else if (!strcmp(a, "--labels")) o.labels = v;
            else if (!strcmp(a, "--out")) out = v;
            else if (!strcmp(a, "--size")) { if (num(a, v, 0, 4096, 1, &x)) return 2; o.prep.size = (int)x; size_given = 1; }
            else if (!strcmp(a, "--max-black")) { if (num(a, v, 0, 1, 0, &x)) return 2; o.prep.max_black = (float)x; black_given = 1; }
            else if (!strcmp(a, "--black-level")) { if (num(a, v, 0, 255, 1, &x)) return 2; o.prep.black_level = (int)x; }
            else if (!strcmp(a, "--split")) { if (num(a, v, 0, 1, 0, &x)) return 2; frac = x; }
            else if (!strcmp(a, "--seed")) { if (num(a, v, 0, 4294967295.0, 1, &x)) return 2; seed = (unsigned long long)x; }
            else if (!strcmp(a, "--limit")) { if (num(a, v, 1, 2147483647.0, 1, &x)) return 2; o.limit = (int)x; }
            else if (!strcmp(a, "--pad")) {
                if (!strcmp(v, "mean")) o.prep.pad = PAD_MEAN;
                else if (!strcmp(v, "black")) o.prep.pad = PAD_BLACK;
                else if (!strcmp(v, "white")) o.prep.pad = PAD_WHITE;
                else return bad("--pad is mean, black or white, not '%s'%s", v, "");
            } else return bad("unknown option '%s'%s", a, "");
        }
    }
    if (!data) return bad("--data PATH is required, e.g. --data images/%s%s", "", "");
    if (dataset_is_idx(data)) {                /* digits and clothes lie on black: no filter by default */
        if (!size_given) o.prep.size = 0;
        if (!black_given) o.prep.max_black = 1;
    }
    Dataset ds;
    DsRejects rej;
    double t0 = omp_get_wtime();
    int rc = dataset_load(data, &o, &ds, &rej);
    double secs = omp_get_wtime() - t0;
    for (int i = 0; i < rej.n; i++)
        if (!strncmp(rej.reason[i], "unreadable: ", 12)) fprintf(stderr, "morphogan: warning: %s (skipped)\n", rej.reason[i] + 12);
    if (rc) {
        fprintf(stderr, "morphogan: %s\n", mg_error_get());
        ds_rejects_free(&rej);
        return 1;
    }
    Split sp;
    char *is_train = calloc(ds.n + 1, 1);
    if (!is_train || split_stratified(ds.label, ds.n, frac, seed, &sp)) {
        fprintf(stderr, "morphogan: %s\n", is_train ? mg_error_get() : "out of memory");
        free(is_train); dataset_free(&ds); ds_rejects_free(&rej);
        return 1;
    }
    for (int k = 0; k < sp.n_train; k++) is_train[sp.train[k]] = 1;
    print_summary(data, &ds, &rej, &sp, &o, frac, seed, secs);
    if (out) {
        if ((rc = write_out(out, &ds, is_train))) fprintf(stderr, "morphogan: %s\n", mg_error_get());
        else printf("wrote %d PNGs and %s/dataset.csv\n", ds.n, out);
    }
    free(is_train);
    split_free(&sp);
    dataset_free(&ds);
    ds_rejects_free(&rej);
    return rc ? 1 : 0;
}
