/* morphogan train end to end (from the repository root, as tests/run.sh runs it): exact resume
 * (N steps = N/2 + resume + N/2, with n_critic 2, fresh z, spectral norm and an EMA; StyleGAN2 with and
 * without progressive growing), config.json repeats a run,
 * Ctrl-C writes a snapshot, a non-finite loss stops with the last good snapshot kept, one-line
 * errors for bad options and mismatched resumes. */
#include "test.h"
#include "cli_harness.h"
#include "io/image.h"
#include "io/jpeg.h"
#include "io/npy.h"
#include "io/tiff.h"
#include <sys/stat.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DATA "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
#define LABELS "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
static int file_has(const char *name, const char *needle, int want_lines) {
    char p[400], line[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    int n = 0, found = 0;
    while (f && fgets(line, sizeof line, f)) { n++; found |= strstr(line, needle) != NULL; }
    if (f) fclose(f);
    return found && (want_lines < 0 || n == want_lines);
}
#define ONE_LINE_ERROR(needle) file_has("err.txt", needle, 1)

static int same_file(const char *a, const char *b) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s/%s %s/%s", dir, a, dir, b);
    return system(cmd) == 0;
}

/* the tensor bytes of two safetensors files (after the JSON header, which holds the run's config) */
static int same_tensors(const char *a, const char *b) {
    char pa[400], pb[400];
    snprintf(pa, sizeof pa, "%s/%s", dir, a);
    snprintf(pb, sizeof pb, "%s/%s", dir, b);
    FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
    int same = fa && fb;
    unsigned long long ha = 0, hb = 0;
    if (same) same = fread(&ha, 8, 1, fa) == 1 && fread(&hb, 8, 1, fb) == 1;
    if (same) same = !fseek(fa, (long)ha, SEEK_CUR) && !fseek(fb, (long)hb, SEEK_CUR);
    long n = 0;
    for (int ca = 0, cb = 0; same && ca != EOF; n++) {
        ca = fgetc(fa);
        cb = fgetc(fb);
        same = ca == cb;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same && n > 1000;
}

/* log.csv without its last column (wall-clock seconds) */
static int same_log(const char *a, const char *b) {
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cut -d, -f1-5 %s/%s > %s/la && cut -d, -f1-5 %s/%s > %s/lb && cmp -s %s/la %s/lb", dir, a,
             dir, dir, b, dir, dir, dir);
    return system(cmd) == 0;
}

#define COMMON "--data " DATA " --labels " LABELS " --max-images 128 --batch 16 --seed 3 --threads 2"

TEST(resume_continues_exactly) {
    char a[2048];
    const char *opts = "--loss lsgan --d-norm sn --n-critic 2 --fresh-z 1 --ema 0.9 --snap 2";
    snprintf(a, sizeof a, "train " COMMON " %s --steps 4 --outdir %s/straight", opts, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train " COMMON " %s --steps 2 --outdir %s/resumed", opts, dir);
    CHECK(run(a) == 0);
    /* the rest of the options come from the checkpoint */
    snprintf(a, sizeof a, "train --resume %s/resumed/checkpoint.safetensors --steps 4 --threads 2", dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "resumed from", -1));
    CHECK(same_tensors("straight/checkpoint.safetensors", "resumed/checkpoint.safetensors"));
    CHECK(same_file("straight/samples_000004.png", "resumed/samples_000004.png"));
    CHECK(same_file("straight/snapshots.csv", "resumed/snapshots.csv"));
    CHECK(same_log("straight/log.csv", "resumed/log.csv"));
    CHECK(file_has("straight/snapshots.csv", "4,0.064,", -1));
}

/* config.json of a run, given back with --config, repeats it bit for bit */
TEST(config_json_repeats_a_run) {
    char a[2048];
    snprintf(a, sizeof a, "train --config %s/straight/config.json --outdir %s/again --threads 1", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_tensors("straight/checkpoint.safetensors", "again/checkpoint.safetensors"));
    CHECK(file_has("again/config.json", "\"loss\":\t\"lsgan\"", -1));
    CHECK(file_has("again/config.json", "\"ema\":\t0.9,", -1));
}

TEST(every_loss_trains) {
    const char *loss[] = {"bce --d-batch joint --label-smooth 0.1", "wgan-gp --n-critic 2", "hinge --fresh-z 0 --d-norm sn",
                          "lsgan --cfg dcgan --resolution 16 --g-width 8 --d-width 8 --z-dim 10",
                          "wgan-gp --cfg dcgan --resolution 32 --channels 3 --g-width 4 --d-width 4 --d-norm sn",
                          "hinge --cfg dcgan --cond 1 --resolution 16 --g-width 4 --d-width 4 --d-batch joint"};
    for (int i = 0; i < 6; i++) {
        char a[2048];
        snprintf(a, sizeof a, "train " COMMON " --loss %s --steps 2 --snap 2 --outdir %s/loss%d", loss[i], dir, i);
        CHECK_MSG(run(a) == 0, "--loss %s", loss[i]);
        snprintf(a, sizeof a, "loss%d/samples_000002.png", i);
        CHECK(file_has(a, "PNG", -1));
    }
}

TEST(sigint_writes_a_snapshot) {
    char a[2048], log[400];
    snprintf(log, sizeof log, "%s/sigint.txt", dir);
    pid_t pid = fork();
    if (pid == 0) {
        char outdir[400];
        snprintf(outdir, sizeof outdir, "%s/sigint", dir);
        if (!freopen(log, "w", stdout)) _exit(99);
        execl(bin, bin, "train", "--data", DATA, "--max-images", "64", "--batch", "16", "--steps", "100000", "--snap",
              "100000", "--threads", "1", "--outdir", outdir, (char *)NULL);
        _exit(98);
    }
    for (int i = 0; i < 600 && !file_has("sigint/log.csv", "3,0.048,", -1); i++) usleep(50000);   /* step 3 logged: the handler is set */
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 130);
    CHECK(file_has("sigint.txt", "interrupted: snapshot of step", -1));
    snprintf(a, sizeof a, "train --resume %s/sigint/checkpoint.safetensors --steps 1 --threads 1", dir);
    CHECK(run(a) == 0);                                    /* the snapshot is a valid checkpoint */
}

TEST(non_finite_loss_stops_and_keeps_the_last_snapshot) {
    char a[2048];
    snprintf(a, sizeof a, "train --data " DATA " --max-images 64 --batch 32 --loss wgan-gp --lr 1e8 --steps 10 --snap 1 "
             "--threads 1 --outdir %s/nan", dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("step 2: loss_d is inf; training stopped"));
    CHECK(ONE_LINE_ERROR("last good snapshot is"));
    CHECK(file_has("nan/snapshots.csv", "1,0.032", 2));
    snprintf(a, sizeof a, "train --resume %s/nan/checkpoint.safetensors --steps 1 --threads 1", dir);
    CHECK(run(a) == 0);
}

TEST(bad_options_and_resumes_give_one_line_errors) {
    char a[2048];
    CHECK(run("train --steps abc") == 2);
    CHECK(ONE_LINE_ERROR("--steps needs a whole number"));
    CHECK(run("train --loss wgan") == 2);
    CHECK(ONE_LINE_ERROR("bce, wgan-gp, hinge, lsgan"));
    CHECK(run("train --betas 0.5") == 2);
    CHECK(ONE_LINE_ERROR("--betas 0.5,0.999"));
    CHECK(run("train --frobnicate 1") == 2);
    CHECK(ONE_LINE_ERROR("morphogan train --help"));
    CHECK(run("train --lr") == 2);
    CHECK(ONE_LINE_ERROR("--lr 0.0002"));
    CHECK(run("train --loss wgan-gp --d-norm bn") == 2);
    CHECK(ONE_LINE_ERROR("--d-norm none"));
    CHECK(run("train --loss wgan-gp --d-batch joint") == 2);
    CHECK(ONE_LINE_ERROR("--d-batch separate"));
    CHECK(run("train --cfg dcgan --resolution 48") == 2);
    CHECK(ONE_LINE_ERROR("--resolution 64"));
    CHECK(run("train --cond 1") == 2);
    CHECK(ONE_LINE_ERROR("--cfg dcgan"));
    CHECK(run("train --resolution 64") == 2);
    CHECK(ONE_LINE_ERROR("--cfg dcgan"));
    snprintf(a, sizeof a, "train --resume %s/straight/checkpoint.safetensors --lr 0.001 --steps 9", dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("another --lr"));
    snprintf(a, sizeof a, "head -c 300 %s/straight/checkpoint.safetensors > %s/cut.safetensors", dir, dir);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "train --resume %s/cut.safetensors", dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("cut.safetensors"));
    snprintf(a, sizeof a, "echo '{\"n_critic\": 0}' > %s/bad.json", dir);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "train --config %s/bad.json", dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("bad.json: \"n_critic\" needs a whole number from 1 to 100"));
    snprintf(a, sizeof a, "train --data %s/none.gz --outdir %s/x", dir, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("none.gz"));
    CHECK(run("train --help") == 0);
    CHECK(file_has("out.txt", "--n-critic", -1));
}

static int png_size(const char *name, int *w, int *h) {
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    Image im;
    if (image_read_png(p, &im)) return -1;
    *w = im.w;
    *h = im.h;
    image_free(&im);
    return 0;
}

/* generate reproduces the training grid from the checkpoint (seed k = grid cell k, EMA, classes k mod K);
 * interpolate writes strips and planes of the expected sizes; errors are one line */
TEST(generate_and_interpolate) {
    char a[2048];
    snprintf(a, sizeof a, "train " COMMON " --cfg dcgan --cond 1 --resolution 16 --g-width 4 --d-width 4 --ema 0.9 --steps 3 "
             "--snap 3 --outdir %s/cond", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "generate --ckpt %s/cond/checkpoint.safetensors --out %s/cond/again.png --grid 8", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("cond/samples_000003.png", "cond/again.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/straight/checkpoint.safetensors --out %s/gen --seeds 0-63 --grid 8", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("straight/samples_000004.png", "gen"));
    snprintf(a, sizeof a, "generate --ckpt %s/cond/checkpoint.safetensors --out %s/each --seeds 2,5-6 --class 7", dir, dir);
    CHECK(run(a) == 0);
    int w = 0, h = 0;
    CHECK(png_size("each/seed0005.png", &w, &h) == 0 && w == 16 && h == 16);
    CHECK(png_size("each/seed0006.png", &w, &h) == 0);
    snprintf(a, sizeof a, "interpolate --ckpt %s/straight/checkpoint.safetensors --out %s/strip.png --seeds 4,9 --steps 5 --mode slerp "
             "--gif %s/strip.gif", dir, dir, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "strip.gif: 7 frames", -1));
    CHECK(file_has("strip.gif", "GIF89a", -1));
    CHECK(png_size("strip.png", &w, &h) == 0 && w == 7 * 30 + 2 && h == 32);
    snprintf(a, sizeof a, "interpolate --ckpt %s/cond/checkpoint.safetensors --out %s/plane.png --seeds 1,2,3", dir, dir);
    CHECK(run(a) == 0);
    CHECK(png_size("plane.png", &w, &h) == 0 && w == 11 * 18 + 2 && h == 11 * 18 + 2);
    snprintf(a, sizeof a, "generate --ckpt %s/straight/checkpoint.safetensors --out %s/x.png --class 1", dir, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("--cond 1"));
    snprintf(a, sizeof a, "interpolate --ckpt %s/straight/checkpoint.safetensors --out %s/x.png --seeds 1", dir, dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("--seeds 3,8"));
    CHECK(run("generate --out x.png") == 2);
    CHECK(ONE_LINE_ERROR("--ckpt"));
    CHECK(run("generate --ckpt x --out y --seeds 5-2") == 2);
    CHECK(ONE_LINE_ERROR("--seeds 0-63"));
    snprintf(a, sizeof a, "generate --ckpt %s/cut.safetensors --out %s/x.png", dir, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("cut.safetensors"));
}

/* the cells (s x s, 2-pixel gaps) k and j of a grey grid PNG are the same image */
static int same_cells(const char *name, int s, int cols, int k, int j) {
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    Image im;
    if (image_read_png(p, &im)) return 0;
    int same = 1;
    for (int y = 0; y < s; y++)
        for (int x = 0; x < s; x++) {
            const int ak = ((k / cols) * (s + 2) + 2 + y) * im.w + (k % cols) * (s + 2) + 2 + x;
            const int aj = ((j / cols) * (s + 2) + 2 + y) * im.w + (j % cols) * (s + 2) + 2 + x;
            same &= im.px[ak * im.c] == im.px[aj * im.c];
        }
    image_free(&im);
    return same;
}

/* --n N --seed FIRST = --seeds FIRST-(FIRST+N-1); --trunc 1 = no truncation, --trunc 0 = the image of z = 0
 * for every seed, --trunc 0.5 = z / 2 (the image of seed k's z halved differs from seed k's) */
TEST(generate_n_and_truncation) {
    char a[2048];
    const char *ck = "straight/checkpoint.safetensors";
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/n5 --n 5 --seed 10", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "5 images", -1));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/s5 --seeds 10-14", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("n5/seed0010.png", "s5/seed0010.png") && same_file("n5/seed0014.png", "s5/seed0014.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/n64.png --n 64 --grid 8 --trunc 1", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("n64.png", "straight/samples_000004.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/t0.png --n 4 --grid 4 --trunc 0", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(same_cells("t0.png", 28, 4, 0, 1) && same_cells("t0.png", 28, 4, 0, 3));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/t5.png --n 4 --grid 4 --trunc 0.5", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(!same_cells("t5.png", 28, 4, 0, 1) && !same_file("t5.png", "t0.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/t1.png --n 4 --grid 4", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(!same_file("t5.png", "t1.png"));
    snprintf(a, sizeof a, "interpolate --ckpt %s/%s --out %s/it0.png --seeds 4,9 --steps 2 --trunc 0", dir, ck, dir);
    CHECK(run(a) == 0);
    CHECK(same_cells("it0.png", 28, 4, 0, 3));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/x --seeds 1-3 --n 3", dir, ck, dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("not both"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/x --seed 3", dir, ck, dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("--seed FIRST needs --n N"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/x --trunc 3", dir, ck, dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("--trunc 0.7"));
    snprintf(a, sizeof a, "generate --ckpt %s/%s --out %s/x --n 0", dir, ck, dir);
    CHECK(run(a) == 2);
    CHECK(ONE_LINE_ERROR("--n 100"));
}

/* a snapshot that cannot be written (file size limit, SIGXFSZ ignored: write() fails with EFBIG) stops the run
 * with a one-line error naming the checkpoint; the previous checkpoint is untouched and still resumes */
TEST(failed_snapshot_write_keeps_the_previous_checkpoint) {
    char a[3000];
    snprintf(a, sizeof a, "train " COMMON " --steps 2 --snap 2 --outdir %s/fsz", dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "cp %s/fsz/checkpoint.safetensors %s/fsz_before.safetensors", dir, dir);
    CHECK(system(a) == 0);
    /* 1 MB limit (512-byte blocks): the grid PNG (~16 kB) fits, the checkpoint (~9 MB) does not */
    snprintf(a, sizeof a, "sh -c \"trap '' XFSZ; ulimit -f 2000; exec %s train --resume %s/fsz/checkpoint.safetensors "
             "--steps 4 --threads 2\" >%s/out.txt 2>%s/err.txt", bin, dir, dir, dir);
    int st = system(a);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    CHECK(ONE_LINE_ERROR("fsz/checkpoint.safetensors: write failed"));
    CHECK(same_file("fsz/checkpoint.safetensors", "fsz_before.safetensors"));
    snprintf(a, sizeof a, "test \"$(ls %s/fsz | grep -c tmp)\" = 0", dir);
    CHECK(system(a) == 0);                                 /* no temporary file left behind */
    snprintf(a, sizeof a, "train --resume %s/fsz/checkpoint.safetensors --steps 3 --threads 2", dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "resumed from", -1));
}

/* train reads a folder: PNG, JPEG and TIFF images (grey and RGB, not square) under two class sub-folders, with
 * a corrupt file that is skipped with a warning naming it; a conditional DCGAN trains on the two classes */
TEST(trains_on_a_folder_of_every_format) {
    char a[2048], p[600];
    const char *cls[2] = {"control", "treated"};
    for (int k = 0; k < 2; k++) {
        snprintf(p, sizeof p, "%s/imgs/%s", dir, cls[k]);
        snprintf(a, sizeof a, "mkdir -p %s", p);
        CHECK(system(a) == 0);
        for (int i = 0; i < 6; i++) {
            Image im;
            const int c = i % 2 ? 3 : 1;
            CHECK(image_alloc(&im, 20 + i, 24, c) == 0);
            for (int j = 0; j < im.w * im.h * c; j++) im.px[j] = (unsigned char)(60 + (j * 7 + i * 13 + k * 50) % 180);
            snprintf(p, sizeof p, "%s/imgs/%s/i%d.%s", dir, cls[k], i, i < 2 ? "png" : i < 4 ? "jpg" : "tif");
            CHECK((i < 2 ? image_write_png(p, &im) : i < 4 ? image_write_jpeg(p, &im, 90) : image_write_tiff(p, &im)) == 0);
            image_free(&im);
        }
    }
    snprintf(a, sizeof a, "printf 'not a png' > %s/imgs/treated/broken.png", dir);
    CHECK(system(a) == 0);
    snprintf(a, sizeof a, "train --data %s/imgs --cfg dcgan --cond 1 --resolution 16 --channels 3 --g-width 4 --d-width 4 --batch 4 "
             "--steps 2 --snap 2 --threads 1 --outdir %s/folder", dir, dir);
    CHECK(run(a) == 0);
    CHECK(ONE_LINE_ERROR("broken.png"));
    CHECK(file_has("err.txt", "warning", -1));
    CHECK(file_has("out.txt", "12 images", -1));
    CHECK(file_has("folder/config.json", "\"n_classes\":\t2", -1));
    int w = 0, h = 0;
    CHECK(png_size("folder/samples_000002.png", &w, &h) == 0 && w == 8 * 18 + 2);
}

/* the VAE: trains, resumes exactly, and generate decodes seeds from its checkpoint */
TEST(vae_trains_resumes_and_generates) {
    char a[2048];
    const char *opts = "--cfg vae --resolution 16 --z-dim 4 --g-width 4 --d-width 4 --beta 0.5 --snap 2";
    snprintf(a, sizeof a, "train " COMMON " %s --steps 4 --outdir %s/vae", opts, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("vae/log.csv", "step,kimg,recon,kl,loss,seconds", -1));
    snprintf(a, sizeof a, "train " COMMON " %s --steps 2 --outdir %s/vae2", opts, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train --resume %s/vae2/checkpoint.safetensors --steps 4 --threads 2", dir);
    CHECK(run(a) == 0);
    CHECK(same_tensors("vae/checkpoint.safetensors", "vae2/checkpoint.safetensors"));
    CHECK(same_log("vae/log.csv", "vae2/log.csv"));
    snprintf(a, sizeof a, "generate --ckpt %s/vae/checkpoint.safetensors --out %s/vae/again.png --grid 8", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("vae/samples_000004.png", "vae/again.png"));
    CHECK(run("train --cfg vae --cond 1") == 2);
    CHECK(ONE_LINE_ERROR("--cfg vae is unconditional"));
}

/* StyleGAN2: lazy R1 (step 0) and path length (steps 0, 4), style mixing, noise, the EMA ramp and
 * the path-length average all resume exactly; generate reproduces the grid from the checkpoint */
TEST(stylegan2_trains_resumes_and_generates) {
    char a[2048];
    const char *opts = "--cfg stylegan2 --resolution 32 --z-dim 8 --map-layers 2 --ch-base 64 --ch-max 8 --snap 3 "
                       "--augment ada --augment-p 0.3 --ada-kimg 0.1 --ada-target -0.99 --augment-ops translate,cutout,color,xflip";
    snprintf(a, sizeof a, "train " COMMON " %s --steps 6 --outdir %s/sg2", opts, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("sg2/log.csv", "step,kimg,loss_d,loss_g,r1,pl,aug_p,seconds", -1));
    snprintf(a, sizeof a, "train " COMMON " %s --steps 3 --outdir %s/sg2b", opts, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train --resume %s/sg2b/checkpoint.safetensors --steps 6 --threads 2", dir);
    CHECK(run(a) == 0);
    CHECK(same_tensors("sg2/checkpoint.safetensors", "sg2b/checkpoint.safetensors"));
    CHECK(same_log("sg2/log.csv", "sg2b/log.csv"));
    CHECK(same_file("sg2/samples_000006.png", "sg2b/samples_000006.png"));
    CHECK(file_has("sg2/log.csv", ",0.6,", -1));      /* ADA raised p to --ada-pmax after 4 steps (target -0.99, kimg 0.1) */
    snprintf(a, sizeof a, "generate --ckpt %s/sg2/checkpoint.safetensors --out %s/sg2/again.png --grid 8", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("sg2/samples_000006.png", "sg2/again.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/sg2/checkpoint.safetensors --seeds 3-7 --trunc 0.5 --out %s/sg2/t --save-codes %s/sg2/codes",
             dir, dir, dir);
    CHECK(run(a) == 0);
    NpyArray wp = {0}, w1 = {0};
    char cp[400];
    snprintf(cp, sizeof cp, "%s/sg2/codes/wplus.npy", dir);
    CHECK(npy_read(cp, NPY_F32, &wp) == 0 && wp.ndim == 3 && wp.shape[0] == 5 && wp.shape[1] == 8 && wp.shape[2] == 8);
    snprintf(cp, sizeof cp, "%s/sg2/codes/w.npy", dir);
    CHECK(npy_read(cp, NPY_F32, &w1) == 0 && w1.ndim == 2 && w1.shape[0] == 5);
    if (wp.data && w1.data) CHECK(!memcmp((float *)wp.data + 7 * 8, (float *)w1.data, 8 * sizeof(float)));   /* slot 7 of seed 3 = its w */
    npy_free(&wp);
    npy_free(&w1);
    CHECK(file_has("out.txt", "wplus.npy [5,8,8]", -1));
    snprintf(a, sizeof a, "style-mix --ckpt %s/sg2/checkpoint.safetensors --out %s/sg2/mix.png --cols 0-2 --rows 7 --trunc 0.7", dir, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "4 columns x 4 rows", -1));
    snprintf(a, sizeof a, "style-mix --ckpt %s/vae/checkpoint.safetensors --out %s/mix.png", dir, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("not a StyleGAN2 checkpoint"));
    /* walk: renders and measures along a direction (an untrained model's images fail segmentation: no effect) */
    float u[8] = {1, 0, 0, 0, 0, 0, 0, 0}, bad[5] = {0};
    char up[400], bp[400];
    snprintf(up, sizeof up, "%s/u.npy", dir);
    snprintf(bp, sizeof bp, "%s/bad.npy", dir);
    CHECK(npy_write(up, NPY_F32, 1, (int64_t[]){8}, u) == 0 && npy_write(bp, NPY_F32, 1, (int64_t[]){5}, bad) == 0);
    snprintf(a, sizeof a, "walk --ckpt %s/sg2/checkpoint.safetensors --direction %s --seeds 0-3 --separation 2 --factors -1,0,1 --outdir %s/walk", dir, up, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("walk/effect.csv", "measure,unit,per_unit,ci_low,ci_high,true_effect", -1));
    CHECK(file_has("walk/walks.csv", "walk_003.png", 5));
    snprintf(a, sizeof a, "walk --ckpt %s/sg2/checkpoint.safetensors --direction %s --seeds 0-3 --separation 2 --outdir %s/walk", dir, bp, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("the model needs [8]"));
    CHECK(run("train --cfg stylegan2 --loss wgan-gp") == 2);
    CHECK(ONE_LINE_ERROR("non-saturating logistic"));
    CHECK(run("train --cfg stylegan2 --augment-ops spin") == 2);
    CHECK(ONE_LINE_ERROR("spin"));
    CHECK(run("train --cfg stylegan2 --resolution 16") == 2);
    CHECK(ONE_LINE_ERROR("from 32 to 256"));
}

/* StyleGAN2 with progressive growing (--grow-kimg 0.032 = 2 steps of 16 images): steps 0-3 at 8x8, 4-5 fade in
 * 16x16 (alpha 0, 0.5), 6-7 stable, 8 starts the fade-in of 32x32.  9 steps = 5 + resume (inside a fade-in) + 4;
 * generate reproduces the grid of the last checkpoint (32x32 at alpha 0.5); inversion refuses it; growing off
 * writes no grow_kimg into config.json; --grow-kimg needs --cfg stylegan2 and must match on resume. */
TEST(stylegan2_grows_resumes_and_generates) {
    char a[2048];
    const char *opts = "--cfg stylegan2 --resolution 32 --z-dim 8 --map-layers 2 --ch-base 64 --ch-max 8 --snap 3 --grow-kimg 0.032 "
                       "--augment fixed --augment-p 0.3";
    snprintf(a, sizeof a, "train " COMMON " %s --steps 9 --outdir %s/grow", opts, dir);
    CHECK(run(a) == 0);
    CHECK(file_has("out.txt", "progressive growing: 8x8 to 32x32", -1));
    CHECK(file_has("out.txt", "before that: its last grid and checkpoint are at 32x32 (alpha 0.50)", -1));
    CHECK(file_has("out.txt", "res 32 alpha 0.00", -1));              /* the last progress line: step 9 ran at 32x32, alpha 0 */
    CHECK(file_has("grow/log.csv", "step,kimg,loss_d,loss_g,r1,pl,aug_p,res,alpha,seconds", 10));
    CHECK(file_has("grow/log.csv", ",0.3,8,1,", -1));
    CHECK(file_has("grow/log.csv", ",0.3,16,0.5,", -1));
    CHECK(file_has("grow/log.csv", ",0.3,32,0,", -1));
    CHECK(file_has("grow/config.json", "\"grow_kimg\":\t0.032", -1));
    CHECK(!file_has("sg2/config.json", "grow_kimg", -1) && file_has("sg2/config.json", "augment", -1));   /* off: not written */
    snprintf(a, sizeof a, "train " COMMON " %s --steps 5 --outdir %s/growb", opts, dir);
    CHECK(run(a) == 0);
    snprintf(a, sizeof a, "train --resume %s/growb/checkpoint.safetensors --steps 9 --threads 2 --grow-kimg 0.064", dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("another --grow-kimg"));
    snprintf(a, sizeof a, "train --resume %s/growb/checkpoint.safetensors --steps 9 --threads 2", dir);
    CHECK(run(a) == 0);
    CHECK(same_tensors("grow/checkpoint.safetensors", "growb/checkpoint.safetensors"));
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cut -d, -f1-9 %s/grow/log.csv > %s/la && cut -d, -f1-9 %s/growb/log.csv > %s/lb && cmp -s %s/la %s/lb", dir, dir,
             dir, dir, dir, dir);
    CHECK(system(cmd) == 0);                                          /* every column but the seconds */
    CHECK(same_file("grow/samples_000009.png", "growb/samples_000009.png"));
    snprintf(a, sizeof a, "generate --ckpt %s/grow/checkpoint.safetensors --out %s/grow/again.png --grid 8", dir, dir);
    CHECK(run(a) == 0);
    CHECK(same_file("grow/samples_000009.png", "grow/again.png"));    /* generate runs at the checkpoint's stage */
    CHECK(!same_file("grow/samples_000006.png", "grow/again.png"));
    snprintf(a, sizeof a, "project --ckpt %s/grow/checkpoint.safetensors --target %s/grow/again.png --outdir %s/proj", dir, dir, dir);
    CHECK(run(a) == 1);
    CHECK(ONE_LINE_ERROR("taken while growing (32x32, alpha 0.50)"));
    CHECK(run("train --cfg dcgan --grow-kimg 5") == 2);
    CHECK(ONE_LINE_ERROR("--grow-kimg (progressive growing) needs --cfg stylegan2"));
}

int main(void) {
    if (cli_begin("train_run")) return 1;
    if (access(DATA, R_OK) != 0) { printf("%s missing: run tools/install-deps.sh\n", DATA); return 1; }
    RUN(resume_continues_exactly);
    RUN(config_json_repeats_a_run);
    RUN(every_loss_trains);
    RUN(sigint_writes_a_snapshot);
    RUN(non_finite_loss_stops_and_keeps_the_last_snapshot);
    RUN(bad_options_and_resumes_give_one_line_errors);
    RUN(generate_and_interpolate);
    RUN(generate_n_and_truncation);
    RUN(trains_on_a_folder_of_every_format);
    RUN(failed_snapshot_write_keeps_the_previous_checkpoint);
    RUN(vae_trains_resumes_and_generates);
    RUN(stylegan2_trains_resumes_and_generates);
    RUN(stylegan2_grows_resumes_and_generates);
    cli_end();
    return test_summary();
}
