/* morphogan train-course: train the course DCGAN (28x28 grayscale, z = 64) on an IDX image file, with the
 * peer script's exact loop (kept for the benchmarks and make demo; `morphogan train` is the general command).
 * Progress line, a CSV log, an 8x8 grid of fixed-seed samples and an atomic checkpoint at every snapshot, and
 * exact resume (weights, Adam moments, BN running statistics, RNG, step).  Batches (train/batches.h) and
 * grids (train/samples.h) are shared with `train`. */
#include "cli/commands.h"
#include "core/error.h"
#include "core/threads.h"
#include "data/idx.h"
#include "io/checkpoint.h"
#include "io/image.h"
#include "models/dcgan_course.h"
#include "train/batches.h"
#include "train/samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_DATA "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

typedef struct {
    const char *data, *outdir, *resume;
    int steps, batch, snap, max_images;
    int torch_init;                     /* 1: PyTorch's default init instead of N(0, 0.02) */
    DcganLoss loss;
    unsigned long long seed;
} Opts;

static void usage(FILE *f) {
    fprintf(f,
            "usage: morphogan train-course [options]\n"
            "Train the course DCGAN (G: ConvT 64->256->128->64->1, D: Conv 1->16->32->1) on 28x28 IDX images.\n"
            "  --data PATH        IDX images, plain or .gz (default %s)\n"
            "  --outdir DIR       run folder: log.csv, samples_<step>.png, checkpoint.safetensors (default runs/course)\n"
            "  --steps N          training steps, one D and one G update each (default 2000)\n"
            "  --batch N          batch size (default 128)\n"
            "  --loss bce|wgan-gp non-saturating BCE (D with batch norm) or WGAN-GP, lambda 10 (default bce)\n"
            "  --snap N           steps between snapshots (default 500)\n"
            "  --seed N           seed of every random draw (default 0)\n"
            "  --max-images N     use only the first N images (default all)\n"
            "  --init dcgan|torch weights N(0,0.02) as the DCGAN paper (default), or PyTorch's default init,\n"
            "                     with which this model collapses to one mode in a few hundred steps\n"
            "  --resume FILE      continue from a checkpoint written by this command\n"
            "  --threads N        CPU threads\n",
            DEFAULT_DATA);
}

static int parse_int(const char *opt, const char *v, long lo, long hi, long *out) {
    char *end = NULL;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || *end || x < lo || x > hi) {
        fprintf(stderr, "morphogan train-course: %s needs a whole number from %ld to %ld, e.g. %s %ld\n", opt, lo, hi,
                opt, lo);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse(int argc, char **argv, Opts *o) {
    *o = (Opts){.data = DEFAULT_DATA, .outdir = "runs/course", .steps = 2000, .batch = 128, .snap = 500,
                .loss = DCGAN_BCE};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        long x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); exit(0); }
        else if (!strcmp(a, "--data") && v) { o->data = v; i++; }
        else if (!strcmp(a, "--outdir") && v) { o->outdir = v; i++; }
        else if (!strcmp(a, "--resume") && v) { o->resume = v; i++; }
        else if (!strcmp(a, "--steps")) { if (parse_int(a, v, 1, 100000000, &x)) return -1; o->steps = (int)x; i++; }
        else if (!strcmp(a, "--batch")) { if (parse_int(a, v, 2, 65536, &x)) return -1; o->batch = (int)x; i++; }
        else if (!strcmp(a, "--snap")) { if (parse_int(a, v, 1, 100000000, &x)) return -1; o->snap = (int)x; i++; }
        else if (!strcmp(a, "--max-images")) { if (parse_int(a, v, 2, 1L << 30, &x)) return -1; o->max_images = (int)x; i++; }
        else if (!strcmp(a, "--seed")) { if (parse_int(a, v, 0, 2147483647L, &x)) return -1; o->seed = (unsigned long long)x; i++; }
        else if (!strcmp(a, "--init") && v) {
            if (!strcmp(v, "dcgan")) o->torch_init = 0;
            else if (!strcmp(v, "torch")) o->torch_init = 1;
            else { fprintf(stderr, "morphogan train-course: --init is dcgan or torch, not '%s'\n", v); return -1; }
            i++;
        } else if (!strcmp(a, "--loss") && v) {
            if (!strcmp(v, "bce")) o->loss = DCGAN_BCE;
            else if (!strcmp(v, "wgan-gp")) o->loss = DCGAN_WGAN_GP;
            else { fprintf(stderr, "morphogan train-course: --loss is bce or wgan-gp, not '%s'\n", v); return -1; }
            i++;
        } else {
            fprintf(stderr, "morphogan train-course: unknown option '%s' (or missing value); see morphogan train-course --help\n", a);
            return -1;
        }
    }
    return 0;
}

static const char *arch_json(DcganLoss loss) {
    return loss == DCGAN_BCE ? "{\"model\":\"dcgan-course\",\"loss\":\"bce\",\"z_dim\":64,\"g_width\":64,\"d_width\":16}"
                             : "{\"model\":\"dcgan-course\",\"loss\":\"wgan-gp\",\"z_dim\":64,\"g_width\":64,\"d_width\":16}";
}

/* 8x8 grid of G's samples for fixed z, BN in evaluation mode, 2-pixel gaps (train/samples.h) */
static int write_grid(const char *path, DcganG *g, const float *zfix) {
    int old = mg_set_grad_enabled(0);
    mg_step_reset();
    Tensor *x = dcgan_g_forward(g, tensor_wrap(TSHAPE(64, 64, 1, 1), (float *)zfix), 0);   /* [64,1,28,28] */
    mg_set_grad_enabled(old);
    return samples_write_grid(path, x, 8);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int cmd_train_course(int argc, char **argv) {
    Opts o;
    if (parse(argc, argv, &o)) return 2;
    IdxImages data;
    if (idx_load_images(o.data, o.max_images, &data)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return 1; }
    if (data.h != 28 || data.w != 28 || data.n < o.batch) {
        fprintf(stderr, "morphogan: %s: need at least %d images of 28x28, found %d of %dx%d\n", o.data, o.batch, data.n,
                data.h, data.w);
        idx_images_free(&data);
        return 1;
    }
    if (mkdir(o.outdir, 0777) && errno != EEXIST) {
        fprintf(stderr, "morphogan: %s: cannot create the run folder: %s\n", o.outdir, strerror(errno));
        idx_images_free(&data);
        return 1;
    }
    Rng init = rng_new(o.seed), rng = rng_new(o.seed + 0x9e3779b97f4a7c15ull);
    DcganG g;
    DcganD d;
    dcgan_g_init(&g, dcgan_course_config(o.loss == DCGAN_BCE), &init);
    dcgan_d_init(&d, dcgan_course_config(o.loss == DCGAN_BCE), &init);
    if (!o.torch_init) {
        dcgan_g_init_normal(&g, &init, 0.02f);
        dcgan_d_init_normal(&d, &init, 0.02f);
    }
    DcganTrainer tr;
    dcgan_trainer_init(&tr, &g, &d, o.loss);
    ParamStore *bn = dcgan_bn_buffers(&g, &d);       /* BN running statistics: the "bn." part */
    Checkpoint ck = {.nparts = 3,
                     .part = {{"G.", g.ps, &tr.opt_g, NULL}, {"D.", d.ps, &tr.opt_d, NULL}, {"bn.", bn, NULL, NULL}},
                     .rng = &rng, .arch = arch_json(o.loss)};
    long step = 0;
    int rc = 1;
    if (o.resume) {
        char *arch = ckpt_read_arch(o.resume);
        if (!arch) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto done; }
        int same = !strcmp(arch, arch_json(o.loss));
        free(arch);
        if (!same) {
            fprintf(stderr, "morphogan: %s: checkpoint of another model or loss; pass the same --loss as the run that wrote it\n", o.resume);
            goto done;
        }
        if (ckpt_load(o.resume, &ck)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto done; }
        step = ck.step;
        printf("resumed from %s at step %ld\n", o.resume, step);
    }
    float zfix[64 * 64];
    Rng zr = rng_new(o.seed ^ 0x5eed);
    rng_normal(&zr, zfix, 64 * 64, 0, 1);

    char path[4096];
    snprintf(path, sizeof path, "%s/log.csv", o.outdir);
    FILE *log = fopen(path, step ? "a" : "w");
    if (!log) { fprintf(stderr, "morphogan: %s: cannot write: %s\n", path, strerror(errno)); goto done; }
    if (!step) fprintf(log, "step,kimg,loss_d,loss_g,gp,seconds\n");

    const int B = o.batch;
    float *z = mg_xmalloc((size_t)B * 64 * sizeof(float));
    float eps[65536];
    Batches batches;                      /* batch s: a pure function of (seed, s), so a resumed run sees the same data */
    batches_init(&batches, data.data, NULL, data.n, 784, B, o.seed);
    double t0 = now_s(), sum_d = 0, sum_g = 0;
    int nsum = 0;
    printf("training dcgan-course (%s) on %s: %d images, batch %d, %d threads, steps %ld -> %d\n",
           o.loss == DCGAN_BCE ? "bce" : "wgan-gp", o.data, data.n, B, mg_get_threads(), step, o.steps);
    for (long s = step; s < o.steps; s++) {
        const float *real = batches_get(&batches, s, NULL);
        rng_normal(&rng, z, (size_t)B * 64, 0, 1);
        if (o.loss == DCGAN_WGAN_GP) rng_uniform(&rng, eps, B, 0, 1);
        DcganStep r = dcgan_train_step(&tr, B, real, z, o.loss == DCGAN_WGAN_GP ? eps : NULL);
        sum_d += r.loss_d;
        sum_g += r.loss_g;
        nsum++;
        fprintf(log, "%ld,%.3f,%.6g,%.6g,%.6g,%.3f\n", s + 1, (s + 1) * B / 1000.0, r.loss_d, r.loss_g, r.gp, now_s() - t0);
        int last = s + 1 == o.steps;
        if ((s + 1) % 50 == 0 || last) {
            double el = now_s() - t0, ips = (s + 1 - step) * B / el;
            printf("step %6ld  kimg %8.1f  %6.0f img/s  eta %5.0f s  loss_d %.4f  loss_g %.4f\n", s + 1,
                   (s + 1) * B / 1000.0, ips, (o.steps - s - 1) * B / ips, sum_d / nsum, sum_g / nsum);
            fflush(stdout);
            sum_d = sum_g = 0;
            nsum = 0;
        }
        if ((s + 1) % o.snap == 0 || last) {
            fflush(log);
            snprintf(path, sizeof path, "%s/samples_%06ld.png", o.outdir, s + 1);
            if (write_grid(path, &g, zfix)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto done_loop; }
            ck.step = s + 1;
            snprintf(path, sizeof path, "%s/checkpoint.safetensors", o.outdir);
            if (ckpt_save(path, &ck)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); goto done_loop; }
        }
    }
    printf("done: %s/checkpoint.safetensors, samples in %s/samples_*.png, log %s/log.csv\n", o.outdir, o.outdir, o.outdir);
    rc = 0;
done_loop:
    fclose(log);
    free(z);
    batches_free(&batches);
done:
    params_free(bn);
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    idx_images_free(&data);
    return rc;
}
