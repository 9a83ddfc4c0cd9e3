/* morphogan synth: writes a synthetic diatom data set with a known treatment effect. */
#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "morpho/contact_sheet.h"
#include "synth/oracle.h"
#include "synth/synth_dataset.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void synth_usage(FILE *f) {
    fprintf(f,
        "usage: morphogan synth -o DIR [options]\n"
        "Writes DIR/control/*.png, DIR/treated/*.png and DIR/truth.csv (true parameters of every image),\n"
        "then prints the oracle accuracy (LDA on the true parameters, 2-fold cross-validated).\n\n"
        "  -o, --out DIR          output folder (required)\n"
        "  -n N                   number of images, half control, half treated (default 3000)\n"
        "  --size WxH | --size S  image size in pixels (default 64x64; e.g. 256, 453x153)\n"
        "  --rgb | --gray         colour or grey images (default grey)\n"
        "  --seed S               one seed fixes everything (default 1)\n"
        "treatment effects (treated minus control):\n"
        "  --effect-length R      relative change of mean length (default -0.12)\n"
        "  --effect-width R       relative change of mean width (default 0)\n"
        "  --effect-bending A     added to mean bending, radians of midline turning (default 0.22)\n"
        "  --effect-fibulae D     added to mean fibula density, per 10 um (default 0)\n"
        "control-group morphology:\n"
        "  --length MEAN,SD       valve length, um (default 36,5)\n"
        "  --width MEAN,SD        valve width, um (default 5,0.4)\n"
        "  --bending MEAN,SD      midline turning angle, radians (default 0.25,0.1)\n"
        "  --fibulae MEAN,SD      fibulae per 10 um (default 12,1)\n"
        "imaging:\n"
        "  --fov UM               micrometres across the longer image side (default 52)\n"
        "  --rotation DEG         axis within +-DEG of horizontal (default 12)\n"
        "  --blur LO,HI           defocus sigma range, um (default 0.08,0.3)\n"
        "  --noise LO,HI          sensor noise sigma range, 0..1 intensity (default 0.008,0.025)\n"
        "  --debris P             probability of debris specks per image (default 0.25)\n"
        "  --contact-sheet FILE   also write a PNG sheet of samples of both groups with measured outlines\n"
        "  --sheet-n K            images per group on the sheet (default 8)\n"
        "  --threads N            worker threads (default: all cores)\n");
}

static int parse_pair(const char *s, double *a, double *b) {
    char *end;
    *a = strtod(s, &end);
    if (end == s || *end != ',') return -1;
    const char *t = end + 1;
    *b = strtod(t, &end);
    return end == t || *end ? -1 : 0;
}

static int parse_num(const char *s, double *v) {
    char *end;
    *v = strtod(s, &end);
    return end == s || *end ? -1 : 0;
}

static int parse_size(const char *s, int *w, int *h) {
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s) return -1;
    long b = a;
    if (*end == 'x' || *end == 'X') {
        const char *t = end + 1;
        b = strtol(t, &end, 10);
        if (end == t) return -1;
    }
    if (*end || a < 1 || b < 1 || a > 20000 || b > 20000) return -1;
    *w = (int)a; *h = (int)b;
    return 0;
}

int cmd_synth(int argc, char **argv) {
    SynthOptions o = {.n = 3000, .seed = 1};
    int w = 64, h = 64, channels = 1, sheet_n = 8;
    const char *out = NULL, *sheet = NULL;
    DiatomModel m;
    diatom_model_default(&m);
    ImagingModel im;
    imaging_model_default(&im, w, h, channels);
    double fov = im.fov_um, rot = im.max_rotation_deg, blur[2] = {im.blur_um_lo, im.blur_um_hi};
    double noise[2] = {im.noise_lo, im.noise_hi}, debris = im.debris_prob;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
#define NEED_VALUE() do { if (!v) { fprintf(stderr, "morphogan synth: %s needs a value; see 'morphogan synth --help'\n", a); return 2; } i++; } while (0)
#define BAD(what) do { fprintf(stderr, "morphogan synth: bad value '%s' for %s; expected %s\n", v, a, what); return 2; } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { synth_usage(stdout); return 0; }
        else if (!strcmp(a, "-o") || !strcmp(a, "--out")) { NEED_VALUE(); out = v; }
        else if (!strcmp(a, "-n")) { NEED_VALUE(); if (parse_num(v, &x) || x < 2 || x > 1e8) BAD("a count >= 2, e.g. -n 3000"); o.n = (int)x; }
        else if (!strcmp(a, "--size")) { NEED_VALUE(); if (parse_size(v, &w, &h)) BAD("WxH or S, e.g. --size 64x64"); }
        else if (!strcmp(a, "--rgb")) channels = 3;
        else if (!strcmp(a, "--gray") || !strcmp(a, "--grey")) channels = 1;
        else if (!strcmp(a, "--seed")) { NEED_VALUE(); char *e; o.seed = strtoull(v, &e, 10); if (e == v || *e) BAD("a non-negative integer"); }
        else if (!strcmp(a, "--effect-length")) { NEED_VALUE(); if (parse_num(v, &m.effect_length) || m.effect_length <= -0.9) BAD("a relative change > -0.9, e.g. -0.12"); }
        else if (!strcmp(a, "--effect-width")) { NEED_VALUE(); if (parse_num(v, &m.effect_width) || m.effect_width <= -0.9) BAD("a relative change > -0.9, e.g. 0.1"); }
        else if (!strcmp(a, "--effect-bending")) { NEED_VALUE(); if (parse_num(v, &m.effect_bend)) BAD("radians, e.g. 0.22"); }
        else if (!strcmp(a, "--effect-fibulae")) { NEED_VALUE(); if (parse_num(v, &m.effect_fib)) BAD("fibulae per 10 um, e.g. 2"); }
        else if (!strcmp(a, "--length")) { NEED_VALUE(); if (parse_pair(v, &m.length_mean_um, &m.length_sd_um) || m.length_mean_um <= 0 || m.length_sd_um < 0) BAD("MEAN,SD in um, e.g. 36,5"); }
        else if (!strcmp(a, "--width")) { NEED_VALUE(); if (parse_pair(v, &m.width_mean_um, &m.width_sd_um) || m.width_mean_um <= 0 || m.width_sd_um < 0) BAD("MEAN,SD in um, e.g. 5,0.4"); }
        else if (!strcmp(a, "--bending")) { NEED_VALUE(); if (parse_pair(v, &m.bend_mean, &m.bend_sd) || m.bend_sd < 0) BAD("MEAN,SD in radians, e.g. 0.25,0.1"); }
        else if (!strcmp(a, "--fibulae")) { NEED_VALUE(); if (parse_pair(v, &m.fib_mean, &m.fib_sd) || m.fib_mean <= 0 || m.fib_sd < 0) BAD("MEAN,SD per 10 um, e.g. 12,1"); }
        else if (!strcmp(a, "--fov")) { NEED_VALUE(); if (parse_num(v, &fov) || fov <= 0) BAD("micrometres, e.g. 52"); }
        else if (!strcmp(a, "--rotation")) { NEED_VALUE(); if (parse_num(v, &rot) || rot < 0 || rot > 90) BAD("degrees 0..90, e.g. 12"); }
        else if (!strcmp(a, "--blur")) { NEED_VALUE(); if (parse_pair(v, &blur[0], &blur[1]) || blur[0] < 0 || blur[1] < blur[0]) BAD("LO,HI in um, e.g. 0.08,0.3"); }
        else if (!strcmp(a, "--noise")) { NEED_VALUE(); if (parse_pair(v, &noise[0], &noise[1]) || noise[0] < 0 || noise[1] < noise[0]) BAD("LO,HI, e.g. 0.008,0.025"); }
        else if (!strcmp(a, "--debris")) { NEED_VALUE(); if (parse_num(v, &debris) || debris < 0 || debris > 1) BAD("a probability 0..1"); }
        else if (!strcmp(a, "--contact-sheet")) { NEED_VALUE(); sheet = v; }
        else if (!strcmp(a, "--sheet-n")) { NEED_VALUE(); if (parse_num(v, &x) || x < 1 || x > 64) BAD("1..64"); sheet_n = (int)x; }
        else if (!strcmp(a, "--threads")) { NEED_VALUE(); if (parse_num(v, &x) || x < 1) BAD("a positive integer"); mg_set_threads((int)x); }
        else { fprintf(stderr, "morphogan synth: unknown option '%s'; type 'morphogan synth --help'\n", a); return 2; }
#undef NEED_VALUE
#undef BAD
    }
    if (!out) { fprintf(stderr, "morphogan synth: no output folder; type e.g. 'morphogan synth -o data/synth'\n"); return 2; }
    imaging_model_default(&im, w, h, channels);
    im.fov_um = fov; im.max_rotation_deg = rot;
    im.blur_um_lo = blur[0]; im.blur_um_hi = blur[1];
    im.noise_lo = noise[0]; im.noise_hi = noise[1];
    im.debris_prob = debris;
    o.model = m;
    o.imaging = im;

    DiatomParams *params = malloc(sizeof *params * o.n);
    if (!params) { fprintf(stderr, "morphogan: out of memory\n"); return 1; }
    double t0 = omp_get_wtime();
    if (synth_write_dataset(&o, out, params)) {
        fprintf(stderr, "morphogan: %s\n", mg_error_get());
        free(params);
        return 1;
    }
    double t1 = omp_get_wtime();
    printf("wrote %d images (%dx%d %s) to %s/control, %s/treated and %s/truth.csv in %.2f s (%d threads)\n",
           o.n, w, h, channels == 3 ? "RGB" : "grey", out, out, out, t1 - t0, mg_get_threads());
    double cv, gauss, delta;
    if (oracle_accuracy(params, o.n, &cv, &gauss, &delta) == 0) {
        printf("oracle accuracy on the true parameters: %.1f%% (LDA, 2-fold cross-validated); "
               "Gaussian Phi(Delta/2) = %.1f%% with Mahalanobis Delta = %.2f\n", 100 * cv, 100 * gauss, delta);
        char path[4200];                          /* for morphogan demo's summary */
        snprintf(path, sizeof path, "%s/oracle.csv", out);
        FILE *f = fopen(path, "w");
        if (!f || fprintf(f, "measure,value\noracle_lda_cv_accuracy,%.6f\ngaussian_accuracy,%.6f\nmahalanobis_delta,%.6f\n", cv, gauss,
                          delta) < 0 || fclose(f)) {
            fprintf(stderr, "morphogan: %s: cannot write\n", path);
            free(params);
            return 1;
        }
    } else
        printf("oracle accuracy: not available (%s)\n", mg_error_get());
    int rc = 0;
    if (sheet && contact_sheet_from_synth(&o, sheet_n, sheet)) {
        fprintf(stderr, "morphogan: %s\n", mg_error_get());
        rc = 1;
    } else if (sheet) {
        printf("contact sheet: %s\n", sheet);
    }
    free(params);
    return rc;
}
