/* morphogan generate: images from a `morphogan train` checkpoint for given seeds (one PNG each, or a grid).
 * morphogan interpolate: a strip between two seeds (lerp or slerp), or the 11 x 11 plane of three. */
#include "cli/commands.h"
#include "core/error.h"
#include "io/gif.h"
#include "io/image.h"
#include "train/latent.h"
#include "train/model_build.h"
#include "train/samples.h"
#include "train/model_stylegan2.h"
#include "train/sg2_sample.h"
#include "io/npy.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SEEDS 1000000

typedef struct {
    const char *ckpt, *out, *gif;
    long *seeds;                /* [nseeds] */
    long nseeds, n, first;      /* --n N --seed FIRST: seeds FIRST .. FIRST+N-1 */
    int grid, cls, no_ema, steps, slerp, seeds_given, first_given;
    float psi;                  /* truncation: z <- psi z (stylegan2: w <- w_avg + psi (w - w_avg)) */
    const char *codes;          /* generate: folder for z.npy, w.npy, wplus.npy (stylegan2) */
} GenOpts;

static int bad(const char *cmd, const char *msg) {
    fprintf(stderr, "morphogan %s: %s\n", cmd, msg);
    return -1;
}

static int add_seed(GenOpts *o, long s, long *cap) {
    if (o->nseeds == MAX_SEEDS) return -1;
    if (o->nseeds == *cap) {
        long *p = realloc(o->seeds, (size_t)(*cap ? 2 * *cap : 64) * sizeof(long));
        if (!p) return -1;
        o->seeds = p;
        *cap = *cap ? 2 * *cap : 64;
    }
    o->seeds[o->nseeds++] = s;
    return 0;
}

/* "0-63", "1,5,9", "3" */
static int parse_seeds(const char *v, GenOpts *o) {
    long cap = 0;
    free(o->seeds);
    o->seeds = NULL;
    o->nseeds = 0;
    for (const char *p = v; *p;) {
        char *end;
        errno = 0;
        long a = strtol(p, &end, 10), b = a;
        if (end == p || errno || a < 0) return -1;
        if (*end == '-') { p = end + 1; b = strtol(p, &end, 10); if (end == p || b < a) return -1; }
        for (long s = a; s <= b; s++) if (add_seed(o, s, &cap)) return -1;
        p = end;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return o->nseeds ? 0 : -1;
}

static int parse(const char *cmd, int argc, char **argv, GenOpts *o, void (*usage)(void)) {
    *o = (GenOpts){.cls = -1, .steps = 9, .psi = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long x;
        char *end;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 1; }
        if (!strcmp(a, "--no-ema")) { o->no_ema = 1; continue; }
        if (!v) return bad(cmd, "an option needs a value; see --help");
        i++;
        if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--out") || !strcmp(a, "-o")) o->out = v;
        else if (!strcmp(a, "--gif") && !strcmp(cmd, "interpolate")) o->gif = v;
        else if (!strcmp(a, "--save-codes") && !strcmp(cmd, "generate")) o->codes = v;
        else if (!strcmp(a, "--seeds")) {
            if (parse_seeds(v, o)) return bad(cmd, "--seeds takes numbers and ranges (at most 1000000 seeds), e.g. --seeds 0-63 or --seeds 3,7,12");
            o->seeds_given = 1;
        } else if (!strcmp(a, "--mode")) {
            if (!strcmp(v, "lerp")) o->slerp = 0;
            else if (!strcmp(v, "slerp")) o->slerp = 1;
            else return bad(cmd, "--mode is lerp or slerp, e.g. --mode slerp");
        } else if (!strcmp(a, "--trunc")) {
            errno = 0;
            double p = strtod(v, &end);
            if (errno || *end || !*v || !(p >= 0 && p <= 2)) return bad(cmd, "--trunc needs a number psi from 0 to 2, e.g. --trunc 0.7");
            o->psi = (float)p;
        } else if (!strcmp(a, "--n") && !strcmp(cmd, "generate")) {
            errno = 0;
            x = strtol(v, &end, 10);
            if (errno || *end || !*v || x < 1 || x > MAX_SEEDS) return bad(cmd, "--n needs a whole number of images from 1 to 1000000, e.g. --n 100");
            o->n = x;
        } else if (!strcmp(a, "--seed") && !strcmp(cmd, "generate")) {
            errno = 0;
            x = strtol(v, &end, 10);
            if (errno || *end || !*v || x < 0 || x > 2147483647L) return bad(cmd, "--seed needs a whole number from 0 to 2147483647, e.g. --seed 1000");
            o->first = x;
            o->first_given = 1;
        } else if (!strcmp(a, "--grid") || !strcmp(a, "--class") || !strcmp(a, "--steps")) {
            x = strtol(v, &end, 10);
            if (*end || x < (strcmp(a, "--class") ? 1 : 0) || x > 4096) {
                fprintf(stderr, "morphogan %s: %s needs a whole number, e.g. %s %s\n", cmd, a, a, strcmp(a, "--class") ? "8" : "3");
                return -1;
            }
            if (!strcmp(a, "--grid")) o->grid = (int)x;
            else if (!strcmp(a, "--class")) o->cls = (int)x;
            else o->steps = (int)x;
        } else {
            fprintf(stderr, "morphogan %s: unknown option '%s'; see morphogan %s --help\n", cmd, a, cmd);
            return -1;
        }
    }
    if (o->seeds_given && (o->n || o->first_given))
        return bad(cmd, "give the seeds either as --seeds LIST or as --n N [--seed FIRST], not both");
    if (o->first_given && !o->n) return bad(cmd, "--seed FIRST needs --n N (the images of seeds FIRST .. FIRST+N-1)");
    if (o->n && o->first + o->n - 1 > 2147483647L) return bad(cmd, "--seed + --n goes past seed 2147483647");
    if (o->n) {
        free(o->seeds);
        o->seeds = mg_xmalloc((size_t)o->n * sizeof(long));
        for (long k = 0; k < o->n; k++) o->seeds[k] = o->first + k;
        o->nseeds = o->n;
    } else if (!o->seeds_given) parse_seeds("0-63", o);
    if (!o->ckpt) return bad(cmd, "which model? add --ckpt RUN/checkpoint.safetensors");
    if (!o->out) return bad(cmd, "where to? add --out FILE.png (or --out DIR for one PNG per seed)");
    return 0;
}

typedef struct {
    TrainConfig c;
    GanModel m;
    Ema ema;
} Loaded;

static void unload(Loaded *l) {
    if (l->ema.shadow) ema_free(&l->ema);
    gan_model_free(&l->m);
}

static int load(const GenOpts *o, Loaded *l) {
    if (train_load_model(o->ckpt, &l->c, &l->m, &l->ema)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return -1; }
    if (o->cls >= 0 && !l->m.n_classes)
        fprintf(stderr, "morphogan: %s: --class needs a conditional model (trained with --cond 1); leave --class out\n", o->ckpt);
    else if (o->cls >= l->m.n_classes && l->m.n_classes)
        fprintf(stderr, "morphogan: %s: --class %d: the model has classes 0 to %d\n", o->ckpt, o->cls, l->m.n_classes - 1);
    else
        return 0;
    unload(l);
    return -1;
}

static const float *g_values(const Loaded *l, const GenOpts *o) {
    return l->ema.shadow && !o->no_ema ? l->ema.shadow : NULL;
}

static void gen_usage(void) {
    printf("usage: morphogan generate --ckpt FILE --out OUT [--seeds 0-63 | --n N [--seed FIRST]] [--grid COLS] [--trunc PSI]\n"
           "                          [--class K] [--no-ema]\n"
           "Images of a model trained by morphogan train, one per seed (seed k's z is the same everywhere).\n"
           "  --ckpt FILE    checkpoint.safetensors of a run\n"
           "  --out OUT      with --grid: the grid PNG; otherwise a folder for seed0000.png, ...\n"
           "  --seeds LIST   numbers and ranges, e.g. 0-63 or 3,7,12 (default 0-63)\n"
           "  --n N          N images, of seeds FIRST .. FIRST+N-1 (--seed FIRST, default 0)\n"
           "  --grid COLS    one image with COLS columns\n"
           "  --trunc PSI    truncation trick: z <- PSI z, towards the mean 0 of z ~ N(0, I) (default 1 = none;\n"
           "                 smaller = more typical, less varied images; 0 = the image of z = 0)\n"
           "                 stylegan2: in W, w <- w_avg + PSI (w - w_avg), w_avg = the mean of 10,000 mapped samples\n"
           "  --save-codes DIR  stylegan2: the seeds' codes as NumPy files DIR/z.npy [N,Z], DIR/w.npy [N,Wd] (truncated)\n"
           "                 and DIR/wplus.npy [N,num_ws,Wd], in --seeds order\n"
           "  --class K      conditional models: every image of class K (default: seed mod classes)\n"
           "  --no-ema       use G's weights rather than its EMA (when the run kept one)\n");
}

/* stylegan2: EMA weights in place, truncation in W around the mean of 10,000 samples; *psi_z = 1 (no z scaling) */
static void sg2_prepare(Loaded *l, const GenOpts *o, float *psi_z) {
    Sg2 *g = gan_stylegan2_net(&l->m);
    if (!g) { *psi_z = o->psi; return; }
    if (g_values(l, o)) memcpy(l->m.g_ps->values, l->ema.shadow, l->m.g_ps->total * sizeof(float));
    if (o->psi != 1.0f) sg2_estimate_w_avg(g, 10000, 0);
    gan_stylegan2_set_psi(&l->m, o->psi);
    *psi_z = 1.0f;
}

/* DIR/z.npy, w.npy, wplus.npy of the seeds (stylegan2) */
static int save_codes(Loaded *l, const GenOpts *o) {
    Sg2 *g = gan_stylegan2_net(&l->m);
    if (!g) return mg_error_set("%s: --save-codes needs a StyleGAN2 checkpoint (train --cfg stylegan2)", o->ckpt);
    if (mkdir(o->codes, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create: %s", o->codes, strerror(errno));
    const long n = o->nseeds;
    const int zd = g->s.z_dim, wd = g->s.w_dim, L = g->num_ws;
    float *z = mg_xmalloc(sizeof(float) * n * zd), *w = mg_xmalloc(sizeof(float) * n * wd), *wp = mg_xmalloc(sizeof(float) * n * L * wd);
    for (long i0 = 0; i0 < n; i0 += 1000) {
        const int b = (int)(n - i0 < 1000 ? n - i0 : 1000);
        mg_step_reset();
        Tensor *zt, *wt;
        sg2_codes_for_seeds(g, o->seeds + i0, b, o->psi, o->cls, &zt, &wt);
        memcpy(z + (size_t)i0 * zd, zt->data, sizeof(float) * b * zd);
        memcpy(w + (size_t)i0 * wd, wt->data, sizeof(float) * b * wd);
        for (int i = 0; i < b; i++)
            for (int j = 0; j < L; j++) memcpy(wp + ((size_t)(i0 + i) * L + j) * wd, wt->data + (size_t)i * wd, sizeof(float) * wd);
    }
    mg_step_reset();
    char p[4300];
    int rc = 0;
    snprintf(p, sizeof p, "%s/z.npy", o->codes);
    rc = rc || npy_write(p, NPY_F32, 2, (int64_t[]){n, zd}, z);
    snprintf(p, sizeof p, "%s/w.npy", o->codes);
    rc = rc || npy_write(p, NPY_F32, 2, (int64_t[]){n, wd}, w);
    snprintf(p, sizeof p, "%s/wplus.npy", o->codes);
    rc = rc || npy_write(p, NPY_F32, 3, (int64_t[]){n, L, wd}, wp);
    free(z);
    free(w);
    free(wp);
    if (!rc) printf("codes: %s/z.npy [%ld,%d], w.npy [%ld,%d], wplus.npy [%ld,%d,%d]\n", o->codes, n, zd, n, wd, n, L, wd);
    return rc ? -1 : 0;
}

int cmd_generate(int argc, char **argv) {
    GenOpts o;
    int r = parse("generate", argc, argv, &o, gen_usage);
    if (r) { free(o.seeds); return r > 0 ? 0 : 2; }
    Loaded l;
    if (load(&o, &l)) { free(o.seeds); return 1; }
    const size_t dim = (size_t)l.m.channels * l.m.size * l.m.size;
    float *x = mg_xmalloc((size_t)o.nseeds * dim * sizeof(float));      /* [n,C,S,S] */
    float psi_z;
    sg2_prepare(&l, &o, &psi_z);
    const float *gv = gan_stylegan2_net(&l.m) ? NULL : g_values(&l, &o);  /* stylegan2: EMA already in place */
    samples_render_seeds(&l.m, o.seeds, o.nseeds, psi_z, o.cls, gv, x);
    int rc = o.codes && save_codes(&l, &o) ? 1 : 0;
    if (o.grid) {
        Tensor *t = tensor_wrap(TSHAPE((int)o.nseeds, l.m.channels, l.m.size, l.m.size), x);
        if (samples_write_grid(o.out, t, o.grid)) rc = 1;
        else printf("%s: %ld images\n", o.out, o.nseeds);
    } else {
        if (mkdir(o.out, 0777) && errno != EEXIST) { mg_error_set("%s: cannot create: %s", o.out, strerror(errno)); rc = 1; }
        for (long i = 0; i < o.nseeds && !rc; i++) {
            Tensor *t = tensor_wrap(TSHAPE(1, l.m.channels, l.m.size, l.m.size), x + (size_t)i * dim);
            char path[4200];
            snprintf(path, sizeof path, "%s/seed%04ld.png", o.out, o.seeds[i]);
            Image im = {0};                              /* the image itself, no grid frame */
            if (samples_image(t, 0, &im) || image_write_png(path, &im)) rc = 1;
            image_free(&im);
        }
        if (!rc) printf("%s: %ld images seed*.png\n", o.out, o.nseeds);
    }
    mg_step_reset();
    if (rc) fprintf(stderr, "morphogan: %s\n", mg_error_get());
    free(x);
    free(o.seeds);
    unload(&l);
    return rc;
}

static void interp_usage(void) {
    printf("usage: morphogan interpolate --ckpt FILE --out FILE.png --seeds A,B [--steps 9] [--mode lerp|slerp] [--class K] [--gif FILE.gif]\n"
           "       morphogan interpolate --ckpt FILE --out FILE.png --seeds A,B,C\n"
           "Two seeds: a strip of steps + 2 images from A to B (lerp or slerp of their z).\n"
           "Three seeds: an 11 x 11 grid of w = w1 + l2 (w2 - w1) + l3 (w3 - w1), l2 (columns), l3 (rows) in 0, 0.1, ..., 1.\n"
           "--gif FILE.gif: also an animated GIF of the same images (0.1 s each, row by row for the plane).\n"
           "--trunc PSI: the seeds' z are scaled by PSI (truncation towards the mean 0) before interpolating;\n"
           "             stylegan2: every code's w is truncated, w_avg + PSI (w - w_avg), as in generate.\n"
           "--no-ema: G's weights rather than its EMA.\n");
}

int cmd_interpolate(int argc, char **argv) {
    GenOpts o;
    int r = parse("interpolate", argc, argv, &o, interp_usage);
    if (r) { free(o.seeds); return r > 0 ? 0 : 2; }
    if (o.nseeds != 2 && o.nseeds != 3) {
        fprintf(stderr, "morphogan interpolate: --seeds takes two seeds (a strip) or three (a plane), e.g. --seeds 3,8\n");
        free(o.seeds);
        return 2;
    }
    Loaded l;
    if (load(&o, &l)) { free(o.seeds); return 1; }
    const int zd = l.m.z_dim, n = o.nseeds == 2 ? o.steps + 2 : 121, cols = o.nseeds == 2 ? n : 11;
    float *w = mg_xmalloc(3 * (size_t)zd * sizeof(float)), *z = mg_xmalloc((size_t)n * zd * sizeof(float));
    for (int i = 0; i < o.nseeds; i++) samples_z(w + (size_t)i * zd, zd, o.seeds[i], 1);
    float psi_z;                                          /* z <- psi z; stylegan2: in W instead (psi_z = 1) */
    sg2_prepare(&l, &o, &psi_z);
    for (int j = 0; j < o.nseeds * zd; j++) w[j] *= psi_z;
    for (int k = 0; k < n; k++) {
        float *out = z + (size_t)k * zd;
        if (o.nseeds == 3) latent_plane(w, w + zd, w + 2 * zd, zd, (k % 11) * 0.1f, (k / 11) * 0.1f, out);
        else if (o.slerp) latent_slerp(w, w + zd, zd, (float)k / (n - 1), out);
        else latent_lerp(w, w + zd, zd, (float)k / (n - 1), out);
    }
    int *labels = NULL;                                   /* conditional: one class along the path */
    if (l.m.n_classes) {
        labels = mg_xmalloc((size_t)n * sizeof(int));
        for (int k = 0; k < n; k++) labels[k] = o.cls >= 0 ? o.cls : (int)(o.seeds[0] % l.m.n_classes);
    }
    mg_step_reset();
    Tensor *x = samples_generate(&l.m, z, labels, n, g_values(&l, &o));          /* [n,C,S,S] */
    free(labels);
    int rc = samples_write_grid(o.out, x, cols) ? 1 : 0;
    if (!rc && o.gif) {                                   /* the same images as an animation, in path order */
        Image *fr = mg_xcalloc((size_t)n, sizeof(Image));
        for (int k = 0; k < n && !rc; k++) rc = samples_image(x, k, &fr[k]) ? 1 : 0;
        if (!rc) rc = gif_write(o.gif, fr, n, 10) ? 1 : 0;
        for (int k = 0; k < n; k++) image_free(&fr[k]);
        free(fr);
        if (!rc) printf("%s: %d frames\n", o.gif, n);
    }
    if (rc) fprintf(stderr, "morphogan: %s\n", mg_error_get());
    else printf("%s: %d images (%s)\n", o.out, n, o.nseeds == 3 ? "plane of 3 seeds" : o.slerp ? "slerp" : "lerp");
    mg_step_reset();
    free(w);
    free(z);
    free(o.seeds);
    unload(&l);
    return rc;
}
