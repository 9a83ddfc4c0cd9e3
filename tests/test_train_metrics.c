/* morphogan train --metrics (train/snapshot_metrics.h) end to end, course DCGAN on 256 test-set images, a
 * few steps, an untrained domain network as the feature space: metrics.csv rows and printed lines at every
 * snapshot, the cached real features reused on --resume with the same numbers as an uninterrupted run,
 * training unchanged by the metrics (same grid and checkpoint bytes), the FID equal to `morphogan metrics`
 * on the same generated images (written as PNGs by `morphogan generate`: 8-bit rounding, so within 1%), and
 * one-line errors.  Commands run with --threads 1. */
#include "cli_harness.h"
#include "io/image.h"
#include "models/feature_net.h"
#include "test.h"

#define DATA "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
#define COMMON "train --data " DATA " --max-images 256 --batch 16 --snap 2 --seed 5 --threads 1"

static char net[300];

static int same_file(const char *a, const char *b) {
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", a, b);
    return system(cmd) == 0;
}

/* the value of `metric` at `step` in RUN/metrics.csv, NAN when absent */
static double csv_value(const char *run_dir, long step, const char *metric) {
    char p[600], line[256], m[64];
    snprintf(p, sizeof p, "%s/metrics.csv", run_dir);
    FILE *f = fopen(p, "r");
    double v = NAN, x, kimg;
    long s;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%ld,%lf,%63[^,],%lf", &s, &kimg, m, &x) == 4 && s == step && !strcmp(m, metric)) v = x;
    if (f) fclose(f);
    return v;
}

TEST(metrics_at_every_snapshot) {
    char a[2048], p[600];
    snprintf(a, sizeof a, COMMON " --steps 4 --outdir %s/m --metrics fid,kid,pr --metrics-net %s --metrics-n 40", dir, net);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("out.txt", "metrics 2:  fid ", &m) > 0 && m == 1);
    CHECK(count_lines("out.txt", "metrics 4:  fid ", &m) > 0 && m == 1);
    CHECK(count_lines("out.txt", "(40 generated vs 40 real, domain classifier", &m) > 0 && m == 2);
    snprintf(p, sizeof p, "%s/m/metrics.csv", dir);
    FILE *f = fopen(p, "r");
    int rows = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f)) rows++;
    if (f) fclose(f);
    CHECK_MSG(rows == 1 + 2 * 5, "%d lines in metrics.csv", rows);    /* header, 2 snapshots x fid kid kid_std P R */
    snprintf(p, sizeof p, "%s/m", dir);
    double fid = csv_value(p, 4, "fid"), kid = csv_value(p, 4, "kid");
    CHECK(fid > 0 && isfinite(kid) && csv_value(p, 2, "precision") >= 0 && csv_value(p, 2, "recall") <= 1);
}

/* log.csv without its wall-clock column */
static int same_losses(const char *a, const char *b) {
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "cmp -s <(cut -d, -f1-5 %s) <(cut -d, -f1-5 %s)", a, b);
    char sh[1600];
    snprintf(sh, sizeof sh, "bash -c '%s'", cmd);
    return system(sh) == 0;
}

TEST(training_unchanged_by_metrics) {
    char a[2048], p1[600], p2[600];
    snprintf(a, sizeof a, COMMON " --steps 4 --outdir %s/plain", dir);
    CHECK(run(a) == 0);
    for (int s = 2; s <= 4; s += 2) {
        snprintf(p1, sizeof p1, "%s/plain/samples_%06d.png", dir, s);
        snprintf(p2, sizeof p2, "%s/m/samples_%06d.png", dir, s);
        CHECK_MSG(same_file(p1, p2), "grid of step %d", s);
    }
    snprintf(p1, sizeof p1, "%s/plain/log.csv", dir);
    snprintf(p2, sizeof p2, "%s/m/log.csv", dir);
    CHECK(same_losses(p1, p2));
}

TEST(resume_reuses_real_features_and_repeats_the_numbers) {
    char a[2048], p[600], q[600];
    snprintf(a, sizeof a, COMMON " --steps 2 --outdir %s/r --metrics fid,kid,pr --metrics-net %s --metrics-n 40", dir, net);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, COMMON " --steps 4 --outdir %s/r --resume %s/r/checkpoint.safetensors --metrics fid,kid,pr "
             "--metrics-net %s --metrics-n 40", dir, dir, net);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("out.txt", "metrics: real features reused from", &m) > 0 && m == 1);
    snprintf(p, sizeof p, "%s/r/metrics.csv", dir);
    snprintf(q, sizeof q, "%s/m/metrics.csv", dir);
    CHECK(same_file(p, q));
}

/* the 28x28 centre of each generated image into out/ (a no-op copy now that `generate` writes bare images) */
static int crop_frames(const char *in, const char *out, int n) {
    char p[700];
    snprintf(p, sizeof p, "mkdir -p %s", out);
    if (system(p)) return -1;
    for (int k = 0; k < n; k++) {
        Image img, c;
        snprintf(p, sizeof p, "%s/seed%07d.png", in, 1000000 + k);
        if (image_read_png(p, &img)) return -1;
        int b = (img.w - 28) / 2, rc = image_alloc(&c, 28, 28, img.c);
        for (int y = 0; !rc && y < 28; y++) memcpy(c.px + y * 28 * c.c, img.px + ((y + b) * img.w + b) * img.c, 28 * c.c);
        snprintf(p, sizeof p, "%s/seed%07d.png", out, 1000000 + k);
        if (!rc) rc = image_write_png(p, &c);
        image_free(&img);
        image_free(&c);
        if (rc) return -1;
    }
    return 0;
}

TEST(fid_equals_the_metrics_command) {
    char a[2048], run_dir[600], g1[400], g2[400];
    snprintf(a, sizeof a, "generate --ckpt %s/m/checkpoint.safetensors --seeds 1000000-1000039 --out %s/gen --threads 1", dir, dir);
    CHECK(run(a) == 0);
    snprintf(g1, sizeof g1, "%s/gen", dir);
    snprintf(g2, sizeof g2, "%s/gen28", dir);
    CHECK(crop_frames(g1, g2, 40) == 0);
    snprintf(a, sizeof a, "metrics --real " DATA " --real-max 40 --fake %s --net %s --threads 1", g2, net);
    CHECK(run(a) == 0);
    char p[600], line[256];
    snprintf(p, sizeof p, "%s/out.txt", dir);
    FILE *f = fopen(p, "r");
    double cli = NAN;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "fid %lf", &cli) == 1) break;
    if (f) fclose(f);
    snprintf(run_dir, sizeof run_dir, "%s/m", dir);
    double during = csv_value(run_dir, 4, "fid");
    printf("   fid at step 4: during training %.4f, metrics command on the PNGs %.4f\n", during, cli);
    CHECK(fabs(during - cli) <= 0.01 * fabs(cli));
}

TEST(errors) {
    char a[2048];
    snprintf(a, sizeof a, COMMON " --steps 2 --outdir %s/e --metrics fid,bogus --metrics-net %s", dir, net);
    CHECK(run(a) != 0 && one_line_error_with("--metrics lists 'bogus'"));
    snprintf(a, sizeof a, COMMON " --steps 2 --outdir %s/e --metrics fid", dir);
    CHECK(run(a) != 0 && one_line_error_with("--metrics-net"));
    snprintf(a, sizeof a, COMMON " --steps 2 --outdir %s/e --metrics fid --metrics-net %s/missing.safetensors", dir, dir);
    CHECK(run(a) != 0 && one_line_error_with("missing.safetensors"));
}

int main(void) {
    if (cli_begin("train_metrics")) return 1;
    if (access(DATA, R_OK)) { printf("     %s not installed: skipped\n", DATA); cli_end(); return test_summary(); }
    FeatNet f;                                  /* an untrained domain network: a fixed random feature map */
    Rng r = rng_new(2);
    featnet_init(&f, &r);
    snprintf(net, sizeof net, "%s/featnet.safetensors", dir);
    if (featnet_save(&f, net, NULL)) { printf("FAIL cannot write %s\n", net); return 1; }
    featnet_free(&f);
    RUN(metrics_at_every_snapshot);
    RUN(training_unchanged_by_metrics);
    RUN(resume_reuses_real_features_and_repeats_the_numbers);
    RUN(fid_equals_the_metrics_command);
    RUN(errors);
    cli_end();
    return test_summary();
}
