/* morphogan metrics end to end (run from the repository root, as tests/run.sh does): a feature network
 * trained on part of Fashion-MNIST's test set, FID of two halves vs pixel-shuffled images, the real-set
 * statistics cache, PNG folders, one-line errors.  Small sizes: a few seconds on 2 cores. */
#include "data/idx.h"
#include "io/image.h"
#include "models/feature_net.h"
#include "test.h"
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define IMG "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
#define LAB "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
static char dir[256], bin[256], net[300];

static int run(const char *fmt, const char *a1, const char *a2) {
    char args[1500], cmd[2400];
    snprintf(args, sizeof args, fmt, a1, a2);
    /* one thread: spinning OpenMP threads make runs several times slower on a loaded 2-core machine */
    snprintf(cmd, sizeof cmd, "%s %s --threads 1 >%s/out.txt 2>%s/err.txt", bin, args, dir, dir);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* the value after "<key> " on a line of the last output, or -1 */
static double value_of(const char *key) {
    char p[400], line[1024];
    snprintf(p, sizeof p, "%s/out.txt", dir);
    FILE *f = fopen(p, "r");
    double v = -1;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, k) && line[k] == ' ') v = atof(line + k + 1);
    if (f) fclose(f);
    return v;
}

static int output_has(const char *file, const char *needle, int *lines) {
    char p[400], line[4096];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    FILE *f = fopen(p, "r");
    int n = 0, found = 0;
    while (f && fgets(line, sizeof line, f)) { n++; found |= strstr(line, needle) != NULL; }
    if (f) fclose(f);
    if (lines) *lines = n;
    return found;
}
static int one_line_error_with(const char *needle) {
    int n;
    return output_has("err.txt", needle, &n) && n == 1;
}

TEST(train_features) {
    /* images 0..1499 of the test set, 2 epochs; accuracy on the same 1500 images (seen in training: this
     * checks that training works, not generalisation) is far above chance (0.1) */
    CHECK(run("metrics train-features --data " IMG " --labels " LAB " --max-images 1500 --max-test 1500 --epochs 2 --batch 50 "
              "--out %s%s", net, "") == 0);
    double acc = value_of("test accuracy");
    CHECK_MSG(acc > 0.6, "test accuracy %g", acc);
    FeatNet f;
    CHECK(featnet_load(&f, net) == 0);
    char fp[17];
    featnet_fingerprint(&f, fp);
    CHECK(strlen(fp) == 16);
    featnet_free(&f);
}

TEST(fid_halves_small_shuffled_large) {
    char cache[320];
    snprintf(cache, sizeof cache, "%s/real.safetensors", dir);
    const char *common = "metrics --real " IMG " --real-max 1000 --fake " IMG " --fake-skip 1000 --fake-max 1000 --net %s "
                         "--metric fid,kid,pr,is --kid-subset-size 200 --kid-subsets 10 --is-splits 2 --real-cache %s";
    CHECK(run(common, net, cache) == 0);
    double fid_h = value_of("fid"), kid_h = value_of("kid"), prec = value_of("precision"), rec = value_of("recall"),
           is = value_of("is");
    CHECK(output_has("out.txt", "real statistics: wrote", NULL));
    char a[1500];
    snprintf(a, sizeof a, "%s --fake-shuffle-pixels 1", common);
    CHECK(run(a, net, cache) == 0);
    double fid_s = value_of("fid"), kid_s = value_of("kid"), prec_s = value_of("precision"), rec_s = value_of("recall");
    CHECK(output_has("out.txt", "real statistics: reused", NULL));
    printf("   halves: fid %.3f kid %.5f P %.3f R %.3f IS %.3f; shuffled: fid %.3f kid %.5f P %.3f R %.3f\n", fid_h,
           kid_h, prec, rec, is, fid_s, kid_s, prec_s, rec_s);
    CHECK(fid_h >= 0 && fid_s > 20 * fid_h);
    CHECK(kid_s > 20 * fabs(kid_h));
    CHECK(prec > 0.5 && rec > 0.5 && rec_s < 0.5 * rec);
    CHECK(is > 1 && is <= 10);
    /* the statistics file as --real gives the same FID as the images it came from */
    CHECK(run("metrics --real %s --fake " IMG " --fake-skip 1000 --fake-max 1000 --net %s", cache, net) == 0);
    CHECK_NEAR(value_of("fid"), fid_h, 1e-6);
}

/* a folder of PNGs holding the same images as an IDX range gives the same FID */
TEST(png_folder_matches_idx) {
    IdxImages im;
    CHECK(idx_load_images(IMG, 1200, &im) == 0);
    char pd[320], p[400];
    snprintf(pd, sizeof pd, "%s/png", dir);
    mkdir(pd, 0755);
    Image img;
    CHECK(image_alloc(&img, 28, 28, 1) == 0);
    for (int i = 1000; i < 1200; i++) {
        for (int k = 0; k < 784; k++) img.px[k] = (unsigned char)((im.data[(size_t)i * 784 + k] + 1) * 127.5f + 0.5f);
        snprintf(p, sizeof p, "%s/%05d.png", pd, i);
        CHECK(image_write_png(p, &img) == 0);
    }
    image_free(&img);
    idx_images_free(&im);
    CHECK(run("metrics --real " IMG " --real-max 1000 --fake %s --net %s", pd, net) == 0);
    double f1 = value_of("fid");
    CHECK(run("metrics --real " IMG " --real-max 1000 --fake " IMG " --fake-skip 1000 --fake-max 200 --net %s%s", net, "") == 0);
    double f2 = value_of("fid");
    CHECK_MSG(f1 > 0 && fabs(f1 - f2) < 1e-3 * f2, "PNG %g, IDX %g", f1, f2);
}

/* PPL of a (barely trained) train-course generator: positive, reproducible for a seed, in both spaces */
TEST(ppl_of_course_checkpoint) {
    char ck[400];
    snprintf(ck, sizeof ck, "%s/course/checkpoint.safetensors", dir);
    CHECK(run("train-course --data " IMG " --max-images 256 --batch 32 --steps 2 --snap 2 --outdir %s/course%s",
              dir, "") == 0);
    CHECK(run("metrics ppl --checkpoint %s --samples 60 --batch 30 --seed 3%s", ck, "") == 0);
    double pix = value_of("ppl");
    CHECK(run("metrics ppl --checkpoint %s --net %s --samples 60 --batch 30 --seed 3", ck, net) == 0);
    double f1 = value_of("ppl");
    CHECK(run("metrics ppl --checkpoint %s --net %s --samples 60 --batch 30 --seed 3", ck, net) == 0);
    double f2 = value_of("ppl");
    printf("   ppl: pixels %.3f, domain features %.3f\n", pix, f1);
    CHECK(pix > 0 && isfinite(pix) && f1 > 0 && isfinite(f1) && f1 == f2);
    CHECK(run("metrics ppl --checkpoint %s --samples 60%s", net, "") == 1);     /* weights, not a checkpoint */
    CHECK(one_line_error_with(net));
}

TEST(one_line_errors) {
    CHECK(run("metrics --real " IMG " --fake " IMG " --net %s/none.safetensors%s", dir, "") == 1);
    CHECK(one_line_error_with("none.safetensors"));
    CHECK(run("metrics --real " IMG " --fake " IMG " --net %s --metric fid,xyz%s", net, "") == 2);
    CHECK(one_line_error_with("unknown metric 'xyz'"));
    CHECK(run("metrics --real " IMG " --fake %s/nowhere --net %s", dir, net) == 1);
    CHECK(one_line_error_with("nowhere"));
    CHECK(run("metrics --real %s --fake " IMG " --net %s", net, net) == 1);       /* weights given as statistics */
    CHECK(one_line_error_with("not a statistics file"));
    CHECK(run("metrics --real " IMG " --fake " IMG " --fake-max 2 --net %s --metric pr%s", net, "") == 1);
    CHECK(one_line_error_with("precision/recall"));
    /* statistics of one network used with another: an error as --real STATS, a recomputation as --real-cache */
    char net2[320], cache[320];
    snprintf(net2, sizeof net2, "%s/net2.safetensors", dir);
    snprintf(cache, sizeof cache, "%s/real.safetensors", dir);
    CHECK(run("metrics train-features --data " IMG " --labels " LAB " --max-images 200 --max-test 100 --epochs 1 "
              "--batch 50 --seed 1 --out %s%s", net2, "") == 0);
    CHECK(run("metrics --real %s --fake " IMG " --fake-max 100 --net %s", cache, net2) == 1);
    CHECK(one_line_error_with("statistics of another feature network"));
    char a[1200];
    snprintf(a, sizeof a, "metrics --real " IMG " --real-max 1000 --fake " IMG " --fake-max 100 --real-cache %s --net %s",
             cache, net2);
    CHECK(run("%s%s", a, "") == 0);
    CHECK(output_has("out.txt", "is for another network or source, recomputing", NULL));
    CHECK(run("%s%s", a, "") == 0);
    CHECK(output_has("out.txt", "real statistics: reused", NULL));
    CHECK(run("metrics train-features --epochs 0%s%s", "", "") == 2);
    CHECK(one_line_error_with("--epochs"));
}

int main(void) {
    const char *b = getenv("BUILD");
    snprintf(bin, sizeof bin, "%s/morphogan", b && *b ? b : "build");
    if (access(bin, X_OK) != 0) { printf("%s not built\n", bin); return 1; }
    snprintf(dir, sizeof dir, "/tmp/mg_metrics_cli.XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    snprintf(net, sizeof net, "%s/net.safetensors", dir);
    RUN(train_features);
    RUN(fid_halves_small_shuffled_large);
    RUN(png_folder_matches_idx);
    RUN(ppl_of_course_checkpoint);
    RUN(one_line_errors);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return test_summary();
}
