/* The mode-collapse check (`morphogan metrics classes`, analysis/class_shares.h): the pass rule and the
 * image conversion by hand; end to end (from the repository root, as tests/run.sh runs it) with a small
 * feature network trained here: real test images pass and are counted as the library counts them, a folder
 * of one class fails, a generator whose weights are all zero (one image for every z) fails with 100% in one
 * class, the accuracy gate, one-line errors. */
#include "analysis/class_shares.h"
#include "analysis/image_set.h"
#include "cli_harness.h"
#include "data/idx.h"
#include "io/checkpoint.h"
#include "io/image.h"
#include "test.h"
#include "train/model_build.h"
#include <string.h>
#include <sys/stat.h>

#define IMG "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
#define LAB "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
static char net[400];

/* the images count of class k in the last output's table ("    k  name  count  share%[  < minimum]"), or -1 */
static long count_of(int k) {
    char p[400], line[1024];
    snprintf(p, sizeof p, "%s/out.txt", dir);
    FILE *f = fopen(p, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f)) {
        int c;
        if (line[0] != ' ' || sscanf(line, "%d", &c) != 1 || c != k) continue;
        char *cut = strstr(line, "  < minimum");
        if (cut) *cut = 0;
        char *tok[16];
        int nt = 0;
        for (char *t = strtok(line, " \n"); t && nt < 16; t = strtok(NULL, " \n")) tok[nt++] = t;
        if (nt >= 4 && strchr(tok[nt - 1], '%')) v = atol(tok[nt - 2]);
    }
    if (f) fclose(f);
    return v;
}

static int out_has(const char *file, const char *needle) {
    int m;
    count_lines(file, needle, &m);
    return m > 0;
}

TEST(pass_rule_by_hand) {
    long even[10] = {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
    int lo = -1;
    CHECK(class_shares_pass(even, 10, 10000, 0.04, &lo) == 1);
    long edge[10] = {400, 1200, 1050, 1050, 1050, 1050, 1050, 1050, 1000, 1000};     /* exactly 4%: passes */
    CHECK(class_shares_pass(edge, 10, 10000, 0.04, &lo) == 1 && lo == 0);
    long under[10] = {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1601, 399, 1000};      /* 3.99%: fails */
    CHECK(class_shares_pass(under, 10, 10000, 0.04, &lo) == 0 && lo == 8);
    long one[10] = {0, 0, 10000, 0, 0, 0, 0, 0, 0, 0};
    CHECK(class_shares_pass(one, 10, 10000, 0.04, &lo) == 0 && lo == 0);
    CHECK(class_shares_pass(even, 10, 0, 0.04, &lo) == 0);                             /* no images */
}

TEST(conversion_to_28x28) {
    /* grey 28: a copy; RGB 28: luminance; grey 56: 2x2 block means; grey 14: bilinear of a constant */
    static float x[2 * 3 * 56 * 56], out[2 * 784];
    for (int i = 0; i < 2 * 784; i++) x[i] = (float)(i % 97) / 97.0f - 0.5f;
    CHECK(class_shares_to_28(x, 2, 1, 28, out) == 0 && !memcmp(x, out, sizeof out));
    for (int p = 0; p < 784; p++) { x[p] = 1; x[784 + p] = -1; x[2 * 784 + p] = 0.5f; }
    CHECK(class_shares_to_28(x, 1, 3, 28, out) == 0);
    CHECK_NEAR(out[5], 0.299 - 0.587 + 0.114 * 0.5, 1e-6);
    for (int y = 0; y < 56; y++)
        for (int xx = 0; xx < 56; xx++) x[y * 56 + xx] = (float)((y / 2) * 28 + xx / 2) / 784.0f + ((y + xx) % 2 ? 0.01f : -0.01f);
    CHECK(class_shares_to_28(x, 1, 1, 56, out) == 0);
    double worst = 0;
    for (int p = 0; p < 784; p++) worst = fmax(worst, fabs(out[p] - p / 784.0));
    CHECK_MSG(worst < 1e-6, "2x2 block means off by %g", worst);
    for (int p = 0; p < 14 * 14; p++) x[p] = 0.25f;
    CHECK(class_shares_to_28(x, 1, 1, 14, out) == 0);
    CHECK_NEAR(out[0], 0.25, 1e-6);
    CHECK_NEAR(out[783], 0.25, 1e-6);
    CHECK(class_shares_to_28(x, 1, 2, 28, out) == -1);
}

TEST(real_images_counted_as_the_library_counts) {
    char a[1600];
    snprintf(a, sizeof a, "metrics train-features --data " IMG " --labels " LAB " --max-images 1500 --max-test 1500 --epochs 2 "
             "--batch 50 --out %s --threads 1", net);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "metrics classes --images " IMG " --n 2000 --net %s --max-test 500 --min-accuracy 0 --threads 1", net);
    int rc = run(a);
    FeatNet f;
    ImageSet s;
    CHECK(featnet_load(&f, net) == 0);
    CHECK(image_set_load(IMG, 0, 2000, &s) == 0);
    long want[FEATNET_CLASSES], sum = 0;
    class_shares_count(&f, s.data, s.n, want);
    int pass = class_shares_pass(want, FEATNET_CLASSES, s.n, 0.04, NULL);
    for (int k = 0; k < FEATNET_CLASSES; k++) {
        CHECK_MSG(count_of(k) == want[k], "class %d: printed %ld, library %ld", k, count_of(k), want[k]);
        sum += want[k];
    }
    CHECK(sum == 2000);
    CHECK(rc == (pass ? 0 : 3));
    CHECK(out_has("out.txt", pass ? "): PASS" : "): FAIL"));
    CHECK(out_has("out.txt", "test accuracy") && out_has("out.txt", "on 500 images"));
    /* the accuracy gate: a classifier below --min-accuracy makes the check fail whatever the shares */
    snprintf(a, sizeof a, "metrics classes --images " IMG " --n 2000 --net %s --max-test 500 --min-accuracy 1 --threads 1", net);
    CHECK(run(a) == 3);
    CHECK(out_has("out.txt", "required >= 1.00: NO") && out_has("out.txt", "): FAIL"));
    image_set_free(&s);
    featnet_free(&f);
}

TEST(one_class_fails) {
    IdxImages im;
    int *y;
    CHECK(idx_load_pair(IMG, LAB, 1000, &im, &y) == 0);
    char folder[400], p[500], a[1600];
    snprintf(folder, sizeof folder, "%s/trousers", dir);
    mkdir(folder, 0777);
    int written = 0;
    for (int i = 0; i < im.n && written < 40; i++) {
        if (y[i] != 1) continue;
        Image g;
        CHECK(image_alloc(&g, 28, 28, 1) == 0);
        for (int k = 0; k < 784; k++) g.px[k] = (unsigned char)((im.data[(size_t)i * 784 + k] + 1) * 127.5f + 0.5f);
        snprintf(p, sizeof p, "%s/t%03d.png", folder, written++);
        CHECK(image_write_png(p, &g) == 0);
        image_free(&g);
    }
    idx_images_free(&im);
    free(y);
    snprintf(a, sizeof a, "metrics classes --images %s --net %s --max-test 500 --min-accuracy 0 --threads 1", folder, net);
    CHECK(run(a) == 3);
    CHECK(out_has("out.txt", "the first 40 images of"));
    CHECK(out_has("out.txt", "< minimum") && out_has("out.txt", "): FAIL"));
}

/* a trained checkpoint whose G weights are all set to 0: G(z) is the same image for every z */
TEST(collapsed_generator_fails) {
    char a[1600], ck[400], bad[400];
    snprintf(a, sizeof a, "train --data " IMG " --max-images 64 --batch 32 --steps 1 --snap 1 --threads 1 --outdir %s/run", dir);
    CHECK(run(a) == 0);
    snprintf(ck, sizeof ck, "%s/run/checkpoint.safetensors", dir);
    snprintf(a, sizeof a, "metrics classes --ckpt %s --net %s --n 300 --seed 5 --max-test 500 --min-accuracy 0 --threads 1", ck, net);
    int rc = run(a);
    CHECK(rc == 0 || rc == 3);
    CHECK(out_has("out.txt", "300 generated images (seeds 5..304"));

    TrainConfig c;
    GanModel m;
    Ema ema;
    CHECK(train_load_model(ck, &c, &m, &ema) == 0);
    memset(m.g_ps->values, 0, m.g_ps->total * sizeof(float));
    char *arch = train_config_to_json(&c);
    Adam og = adam_default(c.lr, c.betas[0], c.betas[1]), od = og;
    Rng r = rng_new(1);
    Checkpoint cp = {.nparts = 3, .part = {{"G.", m.g_ps, &og, NULL}, {"D.", m.d_ps, &od, NULL}, {"buf.", m.buffers, NULL, NULL}},
                     .rng = &r, .arch = arch, .step = 1};
    snprintf(bad, sizeof bad, "%s/collapsed.safetensors", dir);
    CHECK(ckpt_save(bad, &cp) == 0);
    free(arch);
    if (ema.shadow) ema_free(&ema);
    gan_model_free(&m);
    snprintf(a, sizeof a, "metrics classes --ckpt %s --net %s --n 300 --max-test 500 --min-accuracy 0 --threads 1", bad, net);
    CHECK(run(a) == 3);
    int full = 0;
    for (int k = 0; k < FEATNET_CLASSES; k++) full += count_of(k) == 300;
    CHECK_MSG(full == 1, "one class should hold all 300 images");
    CHECK(out_has("out.txt", "100.00%") && out_has("out.txt", "): FAIL"));
}

TEST(errors_are_one_line) {
    char a[1600];
    CHECK(run("metrics classes --images x") == 2);
    CHECK(one_line_error_with("--net featnet.safetensors"));
    snprintf(a, sizeof a, "metrics classes --net %s", net);
    CHECK(run(a) == 2);
    CHECK(one_line_error_with("--ckpt RUN/checkpoint.safetensors or --images"));
    CHECK(run("metrics classes --net n --images x --n 0") == 2);
    CHECK(one_line_error_with("--n needs a whole number"));
    CHECK(run("metrics classes --net n --images x --min-share 2") == 2);
    CHECK(one_line_error_with("--min-share"));
    snprintf(a, sizeof a, "metrics classes --net %s/none.safetensors --images " IMG, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("none.safetensors"));
    snprintf(a, sizeof a, "metrics classes --net %s --ckpt %s/none.safetensors --max-test 100", net, dir);
    CHECK(run(a) == 1);
    CHECK(one_line_error_with("none.safetensors"));
    CHECK(run("metrics classes --help") == 0);
}

int main(void) {
    RUN(pass_rule_by_hand);
    RUN(conversion_to_28x28);
    if (cli_begin("classes")) return 1;
    if (access(IMG, R_OK) != 0) { printf("%s missing: run tools/install-deps.sh\n", IMG); return 1; }
    snprintf(net, sizeof net, "%s/net.safetensors", dir);
    RUN(real_images_counted_as_the_library_counts);
    RUN(one_class_fails);
    RUN(collapsed_generator_fails);
    RUN(errors_are_one_line);
    cli_end();
    return test_summary();
}
