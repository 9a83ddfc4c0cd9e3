/* morphogan style-mix: the style-mixing grid of a StyleGAN2 checkpoint (train/sg2_sample.h). */
#include "cli/commands.h"
#include "core/error.h"
#include "train/model_build.h"
#include "train/model_stylegan2.h"
#include "train/samples.h"
#include "train/sg2_sample.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXS 64

static int seeds_list(const char *v, long *out, int *n) {
    *n = 0;
    for (const char *p = v; *p;) {
        char *end;
        errno = 0;
        long a = strtol(p, &end, 10), b = a;
        if (end == p || errno || a < 0) return -1;
        if (*end == '-') { p = end + 1; b = strtol(p, &end, 10); if (end == p || b < a) return -1; }
        for (long s = a; s <= b; s++) { if (*n == MAXS) return -1; out[(*n)++] = s; }
        p = end;
        if (*p == ',') p++;
        else if (*p) return -1;
    }
    return *n ? 0 : -1;
}

static void usage(void) {
    printf("usage: morphogan style-mix --ckpt FILE --out GRID.png [--cols 0-5] [--rows 10-12] [--styles coarse,middle,fine]\n"
           "                           [--trunc PSI] [--class K] [--no-ema]\n"
           "The style-mixing grid of a StyleGAN2 run: the top row shows the column seeds, the left column the row seeds;\n"
           "cell (i, j) is column seed j with the coarse (4-8 px), middle (16-32 px) or fine (64 px and up) styles of row seed i,\n"
           "one block of rows per range in --styles.  --trunc PSI: truncation towards the mean w of 10,000 samples (default 1).\n"
           "--class K (conditional runs, --cond 1): every seed of class K (default: seed mod classes).\n");
}

int cmd_style_mix(int argc, char **argv) {
    const char *ckpt = NULL, *out = NULL, *styles = "coarse,middle,fine";
    long cols[MAXS], rows[MAXS];
    int ncol, nrow, no_ema = 0, cls = -1;
    float psi = 1.0f;
    seeds_list("0-5", cols, &ncol);
    seeds_list("10-12", rows, &nrow);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 0; }
        if (!strcmp(a, "--no-ema")) { no_ema = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan style-mix: %s needs a value; see morphogan style-mix --help\n", a); return 2; }
        i++;
        if (!strcmp(a, "--ckpt")) ckpt = v;
        else if (!strcmp(a, "--out") || !strcmp(a, "-o")) out = v;
        else if (!strcmp(a, "--styles")) styles = v;
        else if (!strcmp(a, "--cols") || !strcmp(a, "--rows")) {
            if (seeds_list(v, !strcmp(a, "--cols") ? cols : rows, !strcmp(a, "--cols") ? &ncol : &nrow)) {
                fprintf(stderr, "morphogan style-mix: %s takes up to %d seeds as numbers and ranges, e.g. %s 0-5\n", a, MAXS, a);
                return 2;
            }
        } else if (!strcmp(a, "--trunc")) {
            char *end;
            psi = strtof(v, &end);
            if (*end || !(psi >= -2 && psi <= 2)) { fprintf(stderr, "morphogan style-mix: --trunc needs a number from -2 to 2, e.g. --trunc 0.7\n"); return 2; }
        } else if (!strcmp(a, "--class")) {
            char *end;
            long k = strtol(v, &end, 10);
            if (*end || k < 0 || k > 100000) { fprintf(stderr, "morphogan style-mix: --class needs a class number, e.g. --class 1\n"); return 2; }
            cls = (int)k;
        } else { fprintf(stderr, "morphogan style-mix: unknown option '%s'; see morphogan style-mix --help\n", a); return 2; }
    }
    if (!ckpt || !out) { fprintf(stderr, "morphogan style-mix: give --ckpt FILE and --out GRID.png\n"); return 2; }
    Sg2StyleRange ranges[3];
    int nrange = 0;
    char list[256];
    snprintf(list, sizeof list, "%s", styles);
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        if (nrange == 3 || (strcmp(tok, "coarse") && strcmp(tok, "middle") && strcmp(tok, "fine"))) {
            fprintf(stderr, "morphogan style-mix: --styles takes up to three of coarse, middle, fine, e.g. --styles coarse,fine\n");
            return 2;
        }
        ranges[nrange++] = !strcmp(tok, "coarse") ? SG2_COARSE : !strcmp(tok, "middle") ? SG2_MIDDLE : SG2_FINE;
    }
    TrainConfig c;
    GanModel m;
    Ema ema;
    if (train_load_model(ckpt, &c, &m, &ema)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return 1; }
    int rc = 1;
    Sg2 *g = gan_stylegan2_net(&m);
    if (!g) { fprintf(stderr, "morphogan: %s: not a StyleGAN2 checkpoint (train --cfg stylegan2)\n", ckpt); goto done; }
    if (cls >= 0 && cls >= g->s.c_dim) {
        if (g->s.c_dim) fprintf(stderr, "morphogan: %s: --class %d, the model has classes 0 to %d\n", ckpt, cls, g->s.c_dim - 1);
        else fprintf(stderr, "morphogan: %s: --class %d: the model is unconditional (train --cond 1 for classes)\n", ckpt, cls);
        goto done;
    }
    if (ema.shadow && !no_ema) memcpy(m.g_ps->values, ema.shadow, m.g_ps->total * sizeof(float));
    if (psi != 1.0f) sg2_estimate_w_avg(g, 10000, 0);
    mg_step_reset();
    Tensor *img = sg2_style_mix_grid(g, cols, ncol, rows, nrow, ranges, nrange, psi, cls);
    if (samples_write_grid(out, img, ncol + 1)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto done; }
    printf("style-mixing grid: %s (%d columns x %d rows; ranges %s)\n", out, ncol + 1, 1 + nrange * nrow, styles);
    rc = 0;
done:
    if (ema.shadow) ema_free(&ema);
    gan_model_free(&m);
    return rc;
}
