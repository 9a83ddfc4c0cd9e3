/* Morphometric features of the metrics (--features morpho, analysis/feature_space.h) on synthetic diatoms
 * (morphogan synth, 64x64 grey PNGs): the feature rows are the measures `morphogan morpho` writes; control
 * vs treated (a known shape effect) scores far above control vs control; images that cannot be measured are
 * left out and counted; an image folder of grey and RGB files; the standardisation by hand; one-line errors.
 * Commands run with --threads 1. */
#include "analysis/feature_space.h"
#include "analysis/image_set.h"
#include "cli_harness.h"
#include "core/error.h"
#include "io/image.h"
#include "io/safetensors.h"
#include "morpho/measure.h"
#include "test.h"

static double value_after(const char *file, const char *key) {
    char p[400], line[4096];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    FILE *f = fopen(p, "r");
    double v = NAN;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, k)) { v = atof(line + k); break; }
    if (f) fclose(f);
    return v;
}

static int has(const char *file, const char *needle) {
    int m;
    count_lines(file, needle, &m);
    return m > 0;
}

TEST(features_are_the_morpho_measures) {
    char args[1200];
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --fake %s/syn/treated --real-cache %s/c.safetensors "
             "--threads 1", dir, dir, dir);
    CHECK(run(args) == 0);
    CHECK(has("out.txt", "real 60 images, fake 60 images, 46 features (morphometrics)"));
    snprintf(args, sizeof args, "morpho %s/syn/control -o %s/m.csv --threads 1", dir, dir);
    CHECK(run(args) == 0);
    char p[400], line[8192];
    snprintf(p, sizeof p, "%s/m.csv", dir);
    FILE *f = fopen(p, "r");
    CHECK(f && fgets(line, sizeof line, f) && fgets(line, sizeof line, f));   /* header, then control_00000.png */
    if (f) fclose(f);
    /* file,group,ok,flag, 9 scalars, centroid_x, centroid_y, angle_deg, efd1_a..d, efd2_a.. */
    double csv[64];
    int n = 0;
    char *s = line;
    for (int col = 0; s && n < 64; col++) {
        if (col >= 4 && !(col >= 13 && col <= 15)) csv[n++] = atof(s);
        s = strchr(s, ',');
        if (s) s++;
    }
    CHECK(n >= 9 + 40);
    StFile st;
    snprintf(p, sizeof p, "%s/c.safetensors", dir);
    if (st_open(p, &st)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    const StTensor *t = st_find(&st, "features");
    CHECK(t && t->ndim == 2 && t->shape[0] == 60 && t->shape[1] == MORPHO_FEATURES);
    float *all = t ? mg_xmalloc(t->numel * sizeof(float)) : NULL, *row = all;   /* row 0: control_00000.png */
    if (t) st_read_f32(t, all);
    for (int k = 0; t && k < 9; k++) CHECK_NEAR(row[k], csv[k], 1e-5);          /* length .. minor_extent */
    if (t) CHECK_NEAR(row[9], csv[9 + 3], 1e-5);                                 /* efd1_d */
    for (int k = 0; t && k < 36; k++) CHECK_NEAR(row[10 + k], csv[9 + 4 + k], 1e-5);   /* harmonics 2..10 */
    free(all);
    st_close(&st);
}

TEST(treatment_effect_stands_out) {
    char args[1200];
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --fake %s/syn/treated --metric fid,kid "
             "--threads 1", dir, dir);
    CHECK(run(args) == 0);
    double fid_t = value_after("out.txt", "fid "), kid_t = value_after("out.txt", "kid ");
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --real-max 30 --fake %s/syn/control --fake-skip 30 "
             "--metric fid,kid --threads 1", dir, dir);
    CHECK(run(args) == 0);
    double fid_c = value_after("out.txt", "fid "), kid_c = value_after("out.txt", "kid ");
    printf("   control vs treated: fid %.2f kid %.3f; control halves: fid %.2f kid %.3f\n", fid_t, kid_t, fid_c, kid_c);
    CHECK(fid_t > 0 && kid_t > 0.5 && kid_t > 5 * fabs(kid_c));
}

TEST(unmeasurable_images_are_counted) {
    char args[1200], p[400];
    snprintf(args, sizeof args, "mkdir -p %s/mixed && cp %s/syn/control/control_0000[0-3].png %s/mixed/", dir, dir, dir);
    CHECK(system(args) == 0);
    Image blank;
    image_alloc(&blank, 64, 64, 1);
    memset(blank.px, 200, 64 * 64);
    snprintf(p, sizeof p, "%s/mixed/blank.png", dir);
    CHECK(image_write_png(p, &blank) == 0);
    image_free(&blank);
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --fake %s/mixed --threads 1", dir, dir);
    CHECK(run(args) == 0);
    CHECK(has("out.txt", "fake: 1 of 5 images not measured (no_object 1), left out; first: "));
    CHECK(has("out.txt", "/mixed/blank.png (no_object)"));
    CHECK(has("out.txt", "real 60 images, fake 4 images"));
}

/* a folder of one grey and one RGB image: an RGB set, the grey one replicated; luminance by Rec. 601 */
TEST(image_set_grey_and_rgb) {
    char p[400];
    snprintf(p, sizeof p, "mkdir -p %s/colour", dir);
    CHECK(system(p) == 0);
    Image g, c;
    image_alloc(&g, 5, 4, 1);
    image_alloc(&c, 5, 4, 3);
    for (int k = 0; k < 20; k++) g.px[k] = (uint8_t)(10 * k);
    for (int k = 0; k < 60; k++) c.px[k] = (uint8_t)(4 * k);
    snprintf(p, sizeof p, "%s/colour/a.png", dir);
    CHECK(image_write_png(p, &g) == 0);
    snprintf(p, sizeof p, "%s/colour/b.png", dir);
    CHECK(image_write_png(p, &c) == 0);
    ImageSet s;
    snprintf(p, sizeof p, "%s/colour", dir);
    CHECK(image_set_load(p, 0, 0, &s) == 0);
    CHECK(s.n == 2 && s.c == 3 && s.h == 4 && s.w == 5 && strstr(image_set_name(&s, 1), "colour/b.png"));
    for (int ch = 0; ch < 3; ch++) CHECK_NEAR(s.data[ch * 20 + 7], 2 * (70 / 255.0) - 1, 1e-6);   /* grey replicated */
    CHECK_NEAR(s.data[60 + 20 + 7], 2 * (4 * (3 * 7 + 1) / 255.0) - 1, 1e-6);                     /* image b, green, pixel 7 */
    float lum[20];
    image_set_gray(&s, 1, lum);
    double r = 4 * 21 / 255.0, gg = 4 * 22 / 255.0, b = 4 * 23 / 255.0;
    CHECK_NEAR(lum[7], 2 * (0.299 * r + 0.587 * gg + 0.114 * b) - 1, 1e-5);
    image_set_free(&s);
    image_free(&g);
    image_free(&c);
}

TEST(standardise_by_hand) {
    float real[6] = {1, 5, 7, 3, 5, 7};            /* [3,2]... here [2,3]: columns (1,3), (5,5), (7,7) */
    float x[6] = {2, 9, 0, 4, 5, 1};
    feature_standardise(real, 2, x, 2, 3);
    CHECK_NEAR(x[0], 0.0, 1e-6);                   /* (2 - 2) / sqrt(2) */
    CHECK_NEAR(x[3], 2 / sqrt(2.0), 1e-6);         /* (4 - 2) / sqrt(2) */
    CHECK(x[1] == 0 && x[2] == 0 && x[4] == 0 && x[5] == 0);   /* constant columns */
}

TEST(errors) {
    char args[1200], p[400];
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --fake %s/syn/treated --metric is", dir, dir);
    CHECK(run(args) == 2 && one_line_error_with("--features domain or inception"));
    FeatNet fn;                                   /* an untrained domain network */
    Rng r = rng_new(1);
    featnet_init(&fn, &r);
    snprintf(p, sizeof p, "%s/featnet.safetensors", dir);
    CHECK(featnet_save(&fn, p, NULL) == 0);
    featnet_free(&fn);
    snprintf(args, sizeof args, "metrics --features domain --net %s --real %s/syn/control --fake %s/syn/treated", p, dir, dir);
    CHECK(run(args) == 1 && one_line_error_with("28x28"));
    Image small;
    image_alloc(&small, 32, 32, 1);
    snprintf(p, sizeof p, "%s/mixed/zz_small.png", dir);
    CHECK(image_write_png(p, &small) == 0);
    image_free(&small);
    snprintf(args, sizeof args, "metrics --features morpho --real %s/syn/control --fake %s/mixed", dir, dir);
    CHECK(run(args) == 1 && one_line_error_with("zz_small.png: image is 32x32"));
    snprintf(args, sizeof args, "metrics --features nope --real %s/syn/control --fake %s/mixed", dir, dir);
    CHECK(run(args) == 2 && one_line_error_with("domain, inception or morpho"));
}

int main(void) {
    if (cli_begin("metrics_morpho")) return 1;
    char args[600];
    snprintf(args, sizeof args, "synth -o %s/syn -n 120 --seed 3 --threads 1", dir);
    if (run(args) != 0) { printf("FAIL morphogan synth\n"); return 1; }
    RUN(features_are_the_morpho_measures);
    RUN(treatment_effect_stands_out);
    RUN(unmeasurable_images_are_counted);
    RUN(image_set_grey_and_rgb);
    RUN(standardise_by_hand);
    RUN(errors);
    cli_end();
    return test_summary();
}
