/* morphogan project end to end (run from the repository root, as tests/run.sh does): the outputs of a
 * folder of images, and one-line errors for images of the wrong size or channel count, a model that is
 * not a StyleGAN2, missing files and bad options. */
#include "test.h"
#include "cli_harness.h"
#include <string.h>
#include <sys/stat.h>

#define DATA "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

static int exists(const char *rel) {
    char p[600];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return stat(p, &sb) == 0 && sb.st_size > 0;
}

/* a 4-step StyleGAN2 (32x32 grey) and 32x32 grey / 28x28 grey / 32x32 RGB images */
static int setup(void) {
    char a[1400];
    snprintf(a, sizeof a, "train --cfg stylegan2 --data " DATA " --max-images 64 --resolution 32 --z-dim 8 --map-layers 2 "
             "--ch-base 64 --ch-max 8 --batch 8 --steps 4 --outdir %s/sg2", dir);
    if (run(a)) return -1;
    snprintf(a, sizeof a, "dataset --data " DATA " --limit 3 --size 32 --out %s/grey32", dir);
    if (run(a)) return -1;
    snprintf(a, sizeof a, "dataset --data " DATA " --limit 1 --size 28 --out %s/grey28", dir);
    if (run(a)) return -1;
    snprintf(a, sizeof a, "dataset --data " DATA " --limit 1 --size 32 --rgb --out %s/rgb32", dir);
    return run(a);
}

TEST(project_writes_codes_pictures_and_errors) {
    char a[1400];
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/grey32 --outdir %s/out --steps 20 --batch 2 "
             "--space wplus --quiet", dir, dir, dir);
    CHECK(run(a) == 0);
    int m;
    CHECK(count_lines("out.txt", "3 images projected", &m) == 1 && m == 1);
    CHECK(exists("out/codes.npy") && exists("out/log.csv"));
    CHECK(count_lines("out/errors.csv", NULL, &m) == 4);
    CHECK(count_lines("out/log.csv", NULL, &m) == 1 + 2 * 20);           /* two batches of 20 steps */
    const char *stems[] = {"9_00000", "2_00001", "1_00002"};
    char p[128];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "out/%s_pair.png", stems[i]);
        CHECK_MSG(exists(p), "%s", p);
        snprintf(p, sizeof p, "out/%s_recon.png", stems[i]);
        CHECK(exists(p));
        snprintf(p, sizeof p, "out/%s.npy", stems[i]);
        CHECK(exists(p));
        snprintf(p, sizeof p, "out/%s.gif", stems[i]);
        CHECK(exists(p));
    }
    /* a single file, noise maps optimised */
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/grey32/9/00000.png --outdir %s/one "
             "--steps 5 --noise-opt 1 --gif 0 --quiet", dir, dir, dir);
    CHECK(run(a) == 0);
    CHECK(exists("one/00000_pair.png") && exists("one/noise_00000.safetensors") && !exists("one/00000.gif"));
}

TEST(bad_inputs_give_one_line_errors) {
    char a[1400];
    const char *ck = "sg2/checkpoint.safetensors";
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/grey28 --outdir %s/x --steps 2", dir, ck, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("28x28 image, the generator makes 32x32"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/rgb32 --outdir %s/x --steps 2", dir, ck, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("RGB image (3 channels), the generator makes grey images"));
    snprintf(a, sizeof a, "project --ckpt %s/nothere.safetensors --target %s/grey32 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("nothere.safetensors"));
    snprintf(a, sizeof a, "project --ckpt %s/sg2/config.json --target %s/grey32 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("config.json"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/nothere --outdir %s/x", dir, ck, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("nothere: no such file or folder"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/grey32 --outdir %s/x --space z", dir, ck, dir, dir);
    CHECK(run(a) == 2 && one_line_error_with("--space is w or wplus"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/grey32 --outdir %s/x --steps 0", dir, ck, dir, dir);
    CHECK(run(a) == 2 && one_line_error_with("--steps"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/grey32", dir, ck, dir);
    CHECK(run(a) == 2 && one_line_error_with("--outdir"));
    snprintf(a, sizeof a, "project --ckpt %s/%s --target %s/grey32 --outdir %s/x --frobnicate 1", dir, ck, dir, dir);
    CHECK(run(a) == 2 && one_line_error_with("unknown option '--frobnicate'"));
    /* a DCGAN checkpoint is not a StyleGAN2 */
    snprintf(a, sizeof a, "train --cfg dcgan --resolution 32 --data " DATA " --max-images 64 --batch 8 --steps 1 --outdir %s/dc", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "project --ckpt %s/dc/checkpoint.safetensors --target %s/grey32 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("not a StyleGAN2 model"));
}

int main(void) {
    if (cli_begin("inversion_cli")) return 1;
    if (setup()) {
        printf("setup failed: %s/err.txt\n", dir);
        return 1;
    }
    RUN(project_writes_codes_pictures_and_errors);
    RUN(bad_inputs_give_one_line_errors);
    cli_end();
    return test_summary();
}
