/* morphogan project end to end (run from the repository root, as tests/run.sh does): the outputs of a
 * folder of images, and one-line errors for images of the wrong size or channel count, a model that is
 * not a StyleGAN2, missing files and bad options. */
#include "test.h"
#include "cli_harness.h"
#include "io/npy.h"
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

/* the first line of a file */
static void first_line(const char *rel, char *out, size_t cap) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "rb");
    out[0] = 0;
    if (f && fgets(out, (int)cap, f)) out[strcspn(out, "\n")] = 0;
    if (f) fclose(f);
}

TEST(train_encoder_and_encode_write_the_latent_table) {
    char a[1400], line[256];
    snprintf(a, sizeof a, "train-encoder --ckpt %s/sg2/checkpoint.safetensors --data %s/grey32 --outdir %s/enc --steps 6 --batch 4 "
             "--snap 3 --width 4 --feat 8 --quiet", dir, dir, dir);
    CHECK(run(a) == 0);
    int m;
    CHECK(exists("enc/encoder.safetensors") && exists("enc/val_000003.png") && exists("enc/val_000006.png"));
    CHECK(count_lines("enc/log.csv", NULL, &m) == 7 && count_lines("enc/val.csv", NULL, &m) == 3);
    snprintf(a, sizeof a, "encode --enc %s/enc/encoder.safetensors --data %s/grey32 --outdir %s/codes --hybrid-steps 3 "
             "--morpho-check --generated 5", dir, dir, dir);
    CHECK(run(a) == 0);
    CHECK(count_lines("out.txt", "hybrid (3 steps", &m) >= 1 && m == 1);
    CHECK(count_lines("out.txt", "morpho check (encoder)", &m) >= 1 && m == 1);
    first_line("codes/table.csv", line, sizeof line);
    CHECK(!strcmp(line, "file,label,split"));
    int nt, nv;
    count_lines("codes/table.csv", ",train", &nt);
    count_lines("codes/table.csv", ",val", &nv);
    CHECK(nt + nv == 3);
    CHECK(count_lines("codes/table.csv", NULL, &m) == 4);
    first_line("codes/recon/errors.csv", line, sizeof line);
    CHECK(!strcmp(line, "file,label,split,l1,l2,perceptual,delta_norm"));
    CHECK(count_lines("codes/recon/errors.csv", NULL, &m) == 1 + 3 + 5);
    CHECK(count_lines("codes/recon/errors.csv", ",generated,generated,", &m) == 9 && m == 5);
    char p[600];
    NpyArray codes;
    snprintf(p, sizeof p, "%s/codes/codes.npy", dir);
    CHECK(npy_read(p, NPY_F32, &codes) == 0 && codes.stored == NPY_F32 && codes.ndim == 3 && codes.shape[0] == 3 &&
          codes.shape[1] == 8 && codes.shape[2] == 8);
    npy_free(&codes);
    /* the hybrid through project: start from encode's codes */
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/grey32 --init %s/codes/codes.npy --space wplus "
             "--w-noise 0 --steps 4 --lr 0.01 --outdir %s/hyb --gif 0 --quiet", dir, dir, dir, dir);
    CHECK(run(a) == 0 && exists("hyb/codes.npy"));
    snprintf(a, sizeof a, "project --ckpt %s/sg2/checkpoint.safetensors --target %s/grey32/9 --init %s/codes/codes.npy "
             "--outdir %s/x", dir, dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("codes [3,8,8], expected [1,8,8]"));
    CHECK(exists("codes/recon/grid.png") && exists("codes/recon/hybrid.csv") && exists("codes/recon/morpho.csv"));
    CHECK(exists("codes/recon/l1_density.png"));    /* the error densities by class, rendered by librsvg */
    /* errors */
    snprintf(a, sizeof a, "encode --enc %s/sg2/checkpoint.safetensors --data %s/grey32 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("not an encoder checkpoint"));
    snprintf(a, sizeof a, "encode --enc %s/enc/encoder.safetensors --data %s/rgb32 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("RGB image (3 channels)"));
    snprintf(a, sizeof a, "encode --enc %s/enc/encoder.safetensors --data %s/grey32 --outdir %s/x --codes hybrid", dir, dir, dir);
    CHECK(run(a) == 2 && one_line_error_with("--hybrid-steps"));
    snprintf(a, sizeof a, "train-encoder --ckpt %s/sg2/checkpoint.safetensors --outdir %s/x --recon 0 --consistency 0", dir, dir);
    CHECK(run(a) == 2 && one_line_error_with("--consistency"));
    snprintf(a, sizeof a, "train-encoder --ckpt %s/sg2/checkpoint.safetensors --data %s/grey28 --outdir %s/x", dir, dir, dir);
    CHECK(run(a) == 1 && one_line_error_with("28x28 image"));
}

int main(void) {
    if (cli_begin("inversion_cli")) return 1;
    if (setup()) {
        printf("setup failed: %s/err.txt\n", dir);
        return 1;
    }
    RUN(project_writes_codes_pictures_and_errors);
    RUN(bad_inputs_give_one_line_errors);
    RUN(train_encoder_and_encode_write_the_latent_table);
    cli_end();
    return test_summary();
}
