/* The synthetic data set: reproducible from the seed whatever the thread count, parameters in their
 * ranges, treatment effects as configured, oracle accuracy in the intended band, files on disk. */
#include "io/csv.h"
#include "morpho/measure.h"
#include "synth/oracle.h"
#include "synth/synth_dataset.h"
#include "test.h"
#include <omp.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static void options(SynthOptions *o, int n, int w, int h, int c) {
    o->n = n;
    o->seed = 77;
    diatom_model_default(&o->model);
    imaging_model_default(&o->imaging, w, h, c);
}

TEST(same_seed_same_image_other_seed_other_image) {
    SynthOptions o;
    options(&o, 10, 64, 64, 3);
    DiatomParams p1, p2;
    Image a, b;
    CHECK(synth_make_image(&o, 3, &p1, &a) == 0 && synth_make_image(&o, 3, &p2, &b) == 0);
    CHECK(a.c == 3 && memcmp(a.px, b.px, 64 * 64 * 3) == 0 && p1.length_px == p2.length_px);
    image_free(&b);
    o.seed = 78;
    CHECK(synth_make_image(&o, 3, &p2, &b) == 0);
    CHECK(memcmp(a.px, b.px, 64 * 64 * 3) != 0 && p1.length_px != p2.length_px);
    image_free(&a);
    image_free(&b);
}

static int files_equal(const char *a, const char *b) {
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int eq = f && g;
    while (eq) {
        int x = fgetc(f), y = fgetc(g);
        if (x != y) eq = 0;
        if (x == EOF || y == EOF) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return eq;
}

TEST(data_set_independent_of_thread_count) {
    SynthOptions o;
    options(&o, 24, 64, 64, 1);
    DiatomParams p[24];
    char d1[300], d2[300];
    snprintf(d1, sizeof d1, "%s/t1", dir);
    snprintf(d2, sizeof d2, "%s/t2", dir);
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    CHECK(synth_write_dataset(&o, d1, p) == 0);
    omp_set_num_threads(2);
    CHECK(synth_write_dataset(&o, d2, p) == 0);
    omp_set_num_threads(saved);
    for (int i = 0; i < 24; i++) {
        char name[64], a[400], b[400];
        synth_file_name(&o, i, name, sizeof name);
        snprintf(a, sizeof a, "%s/%s", d1, name);
        snprintf(b, sizeof b, "%s/%s", d2, name);
        CHECK_MSG(files_equal(a, b), "%s differs", name);
    }
    char a[400], b[400];
    snprintf(a, sizeof a, "%s/truth.csv", d1);
    snprintf(b, sizeof b, "%s/truth.csv", d2);
    CHECK(files_equal(a, b));
    CsvTable t;
    CHECK(csv_read(a, &t) == 0);
    CHECK(t.n_rows == 24 && csv_column(&t, "length_px") == 2 && csv_column(&t, "bending") >= 0);
    CHECK(strcmp(t.rows[0][0], "control/control_00000.png") == 0 && strcmp(t.rows[23][1], "treated") == 0);
    csv_free(&t);
    snprintf(a, sizeof a, "%s/treated/treated_00011.png", d1);
    CHECK(access(a, R_OK) == 0);
}

TEST(parameters_in_range_and_effects_as_configured) {
    enum { M = 6000 };
    static DiatomParams p[M];
    DiatomModel dm;
    ImagingModel im;
    diatom_model_default(&dm);
    imaging_model_default(&im, 64, 64, 1);
    double sum[2][2] = {{0}};
    int cnt[2] = {0};
    for (int i = 0; i < M; i++) {
        Rng r = rng_new(1000 + i);
        int g = i % 2;
        diatom_draw(&r, &dm, &im, g, &p[i]);
        double ratio = p[i].length_px / p[i].width_px;
        CHECK(ratio >= 5 - 1e-9 && ratio <= 15 + 1e-9);
        CHECK(p[i].bending >= 0 && p[i].end_shape >= 0 && p[i].end_shape <= 1);
        CHECK(p[i].area_px > 0.5 * p[i].length_px * p[i].width_px && p[i].area_px < p[i].length_px * p[i].width_px);
        CHECK(fabs(p[i].asym_lateral) <= dm.asym_lateral_max);
        sum[g][0] += p[i].length_px / p[i].px_per_um;
        sum[g][1] += p[i].bending;
        cnt[g]++;
    }
    double lc = sum[0][0] / cnt[0], lt = sum[1][0] / cnt[1], bc = sum[0][1] / cnt[0], bt = sum[1][1] / cnt[1];
    CHECK_NEAR(lc, dm.length_mean_um, 0.02);
    CHECK_NEAR(lt / lc - 1, dm.effect_length, 0.01);
    CHECK_NEAR(bt - bc, dm.effect_bend, 0.01);
    /* oracle accuracy: 85-90% by design with the default effects */
    double cv, gauss, delta;
    CHECK(oracle_accuracy(p, M, &cv, &gauss, &delta) == 0);
    CHECK_MSG(cv > 0.85 && cv < 0.90, "cv accuracy %.3f", cv);
    CHECK_MSG(gauss > 0.85 && gauss < 0.90, "gaussian accuracy %.3f", gauss);
    /* no effect: chance level */
    dm.effect_length = dm.effect_bend = 0;
    for (int i = 0; i < M; i++) {
        Rng r = rng_new(1000 + i);
        diatom_draw(&r, &dm, &im, i % 2, &p[i]);
    }
    CHECK(oracle_accuracy(p, M, &cv, &gauss, &delta) == 0);
    CHECK_MSG(cv > 0.46 && cv < 0.54, "cv accuracy without effect %.3f", cv);
    /* a fibula-density effect alone is seen by the oracle */
    dm.effect_fib = 3;
    for (int i = 0; i < M; i++) {
        Rng r = rng_new(1000 + i);
        diatom_draw(&r, &dm, &im, i % 2, &p[i]);
    }
    CHECK(oracle_accuracy(p, M, &cv, &gauss, &delta) == 0);
    CHECK_MSG(cv > 0.9, "cv accuracy with fibula effect %.3f", cv);
}

TEST(cell_is_darker_than_background_and_fits_in_study_crops) {
    SynthOptions o;
    options(&o, 20, 453, 153, 1);
    MorphoWork wk;
    morpho_work_init(&wk);
    int ok = 0;
    for (int i = 0; i < 20; i++) {
        DiatomParams p;
        Image img;
        CHECK(synth_make_image(&o, i, &p, &img) == 0);
        CHECK(img.w == 453 && img.h == 153);
        int c = img.px[(int)p.cy * img.w + (int)p.cx], corner = img.px[2 * img.w + 2];
        CHECK(c < corner);
        Measures m;
        morpho_measure_image(&img, &wk, 10, &m);
        ok += m.flag == SEG_OK;
        image_free(&img);
    }
    CHECK(ok >= 19);
    morpho_work_free(&wk);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mg_test_synth_%d", (int)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd)) return 1;
    RUN(same_seed_same_image_other_seed_other_image);
    RUN(data_set_independent_of_thread_count);
    RUN(parameters_in_range_and_effects_as_configured);
    RUN(cell_is_darker_than_background_and_fits_in_study_crops);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return test_summary();
}
