/* morphogan generate: images from a `morphogan train` checkpoint for given seeds (one PNG each, or a grid).
 * morphogan interpolate: a strip between two seeds (lerp or slerp), or the 11 x 11 plane of three. */
#include "cli/commands.h"
#include "core/error.h"
#include "io/gif.h"
#include "io/image.h"
#include "train/latent.h"
#include "train/model_build.h"
#include "train/samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SEEDS 4096

typedef struct {
    const char *ckpt, *out, *gif;
    long seeds[MAX_SEEDS];
    int nseeds, grid, cls, no_ema, steps, slerp;
} GenOpts;

static int bad(const char *cmd, const char *msg) {
    fprintf(stderr, "morphogan %s: %s\n", cmd, msg);
    return -1;
}

/* "0-63", "1,5,9", "3" */
static int parse_seeds(const char *v, GenOpts *o) {
    o->nseeds = 0;
    for (const char *p = v; *p;) {
        char *end;
        errno = 0;
        long a = strtol(p, &end, 10), b = a;
        if (end == p || errno || a < 0) return -1;
        if (*end == '-') { p = end + 1; b = strtol(p, &end, 10); if (end == p || b < a) return -1; }
        for (long s = a; s <= b; s++) { if (o->nseeds == MAX_SEEDS) return -1; o->seeds[o->nseeds++] = s; }
        p = end;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return o->nseeds ? 0 : -1;
}

static int parse(const char *cmd, int argc, char **argv, GenOpts *o, void (*usage)(void)) {
    *o = (GenOpts){.cls = -1, .steps = 9};
    parse_seeds("0-63", o);
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
        else if (!strcmp(a, "--seeds")) { if (parse_seeds(v, o)) return bad(cmd, "--seeds takes numbers and ranges, e.g. --seeds 0-63 or --seeds 3,7,12"); }
        else if (!strcmp(a, "--mode")) {
            if (!strcmp(v, "lerp")) o->slerp = 0;
            else if (!strcmp(v, "slerp")) o->slerp = 1;
            else return bad(cmd, "--mode is lerp or slerp, e.g. --mode slerp");
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

/* G on n latents [n, z_dim] with class cls (conditional: -1 = seed mod n_classes) */
static Tensor *render(Loaded *l, const GenOpts *o, const float *z, int n) {
    int *labels = NULL;
    if (l->m.n_classes) {
        labels = mg_xmalloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) labels[i] = o->cls >= 0 ? o->cls : (int)(o->seeds[i % o->nseeds] % l->m.n_classes);
    }
    mg_step_reset();
    Tensor *x = samples_generate(&l->m, z, labels, n, l->ema.shadow && !o->no_ema ? l->ema.shadow : NULL);
    free(labels);
    return x;
}

static void gen_usage(void) {
    printf("usage: morphogan generate --ckpt FILE --out OUT [--seeds 0-63] [--grid COLS] [--class K] [--no-ema]\n"
           "Images of a model trained by morphogan train, one per seed (seed k's z is the same everywhere).\n"
           "  --ckpt FILE    checkpoint.safetensors of a run\n"
           "  --out OUT      with --grid: the grid PNG; otherwise a folder for seed0000.png, ...\n"
           "  --seeds LIST   numbers and ranges, e.g. 0-63 or 3,7,12 (default 0-63)\n"
           "  --grid COLS    one image with COLS columns\n"
           "  --class K      conditional models: every image of class K (default: seed mod classes)\n"
           "  --no-ema       use G's weights rather than its EMA (when the run kept one)\n");
}

int cmd_generate(int argc, char **argv) {
    GenOpts o;
    int r = parse("generate", argc, argv, &o, gen_usage);
    if (r) return r > 0 ? 0 : 2;
    Loaded l;
    if (load(&o, &l)) return 1;
    const int zd = l.m.z_dim;
    float *z = mg_xmalloc((size_t)o.nseeds * zd * sizeof(float));
    for (int i = 0; i < o.nseeds; i++) samples_z(z + (size_t)i * zd, zd, o.seeds[i], 1);
    int rc = 0;
    if (o.grid) {
        Tensor *x = render(&l, &o, z, o.nseeds);
        if (samples_write_grid(o.out, x, o.grid)) rc = 1;
        else printf("%s: %d images\n", o.out, o.nseeds);
    } else {
        if (mkdir(o.out, 0777) && errno != EEXIST) { mg_error_set("%s: cannot create: %s", o.out, strerror(errno)); rc = 1; }
        for (int i = 0; i < o.nseeds && !rc; i++) {
            GenOpts one = o;
            one.seeds[0] = o.seeds[i];
            one.nseeds = 1;
            Tensor *x = render(&l, &one, z + (size_t)i * zd, 1);
            char path[4200];
            snprintf(path, sizeof path, "%s/seed%04ld.png", o.out, o.seeds[i]);
            if (samples_write_grid(path, x, 1)) rc = 1;
        }
        if (!rc) printf("%s: %d images seed*.png\n", o.out, o.nseeds);
    }
    if (rc) fprintf(stderr, "morphogan: %s\n", mg_error_get());
    free(z);
    unload(&l);
    return rc;
}

static void interp_usage(void) {
    printf("usage: morphogan interpolate --ckpt FILE --out FILE.png --seeds A,B [--steps 9] [--mode lerp|slerp] [--class K] [--gif FILE.gif]\n"
           "       morphogan interpolate --ckpt FILE --out FILE.png --seeds A,B,C\n"
           "Two seeds: a strip of steps + 2 images from A to B (lerp or slerp of their z).\n"
           "Three seeds: an 11 x 11 grid of w = w1 + l2 (w2 - w1) + l3 (w3 - w1), l2 (columns), l3 (rows) in 0, 0.1, ..., 1.\n"
           "--gif FILE.gif: also an animated GIF of the same images (0.1 s each, row by row for the plane).\n");
}

int cmd_interpolate(int argc, char **argv) {
    GenOpts o;
    int r = parse("interpolate", argc, argv, &o, interp_usage);
    if (r) return r > 0 ? 0 : 2;
    if (o.nseeds != 2 && o.nseeds != 3) {
        fprintf(stderr, "morphogan interpolate: --seeds takes two seeds (a strip) or three (a plane), e.g. --seeds 3,8\n");
        return 2;
    }
    Loaded l;
    if (load(&o, &l)) return 1;
    const int zd = l.m.z_dim, n = o.nseeds == 2 ? o.steps + 2 : 121, cols = o.nseeds == 2 ? n : 11;
    float *w = mg_xmalloc(3 * (size_t)zd * sizeof(float)), *z = mg_xmalloc((size_t)n * zd * sizeof(float));
    for (int i = 0; i < o.nseeds; i++) samples_z(w + (size_t)i * zd, zd, o.seeds[i], 1);
    for (int k = 0; k < n; k++) {
        float *out = z + (size_t)k * zd;
        if (o.nseeds == 3) latent_plane(w, w + zd, w + 2 * zd, zd, (k % 11) * 0.1f, (k / 11) * 0.1f, out);
        else if (o.slerp) latent_slerp(w, w + zd, zd, (float)k / (n - 1), out);
        else latent_lerp(w, w + zd, zd, (float)k / (n - 1), out);
    }
    GenOpts all = o;
    if (l.m.n_classes && o.cls < 0) all.cls = (int)(o.seeds[0] % l.m.n_classes);   /* one class along the path */
    Tensor *x = render(&l, &all, z, n);
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
    free(w);
    free(z);
    unload(&l);
    return rc;
}
