/* morphogan project: optimisation-based projection of images into a StyleGAN2 generator's latent
 * space (inversion/project.h), with the reference projector's schedule. */
#include "cli/commands.h"
#include "core/error.h"
#include "inversion/inv_io.h"
#include "inversion/inv_model.h"
#include "inversion/project.h"
#include "io/image.h"
#include "io/npy.h"
#include "io/safetensors.h"
#include "models/stylegan2.h"
#include "train/model_stylegan2.h"
#include "train/samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *ckpt, *target, *outdir, *init, *lpips;
    ProjectOpts p;
    int batch, gif, no_ema, quiet;
} ProjCli;

static void usage(void) {
    printf("usage: morphogan project --ckpt CKPT --target IMG_OR_DIR --outdir DIR [options]\n"
           "Finds the latent code of each image: the code whose generated image is closest to it (L2 + a perceptual\n"
           "distance on the discriminator's features, or LPIPS-VGG), by Adam with the reference projector's schedule\n"
           "(docs/inversion.md).\n"
           "  --ckpt FILE       checkpoint of morphogan train --cfg stylegan2 (G's EMA weights are used)\n"
           "  --target PATH     an image, or a folder of images (sub-folders = labels); each must have the\n"
           "                    generator's size and channel count (grey models take grey images)\n"
           "  --outdir DIR      NAME_pair.png (target | reconstruction), NAME_recon.png, NAME.npy (code [L,D]),\n"
           "                    NAME.gif (the optimisation), codes.npy [N,L,D], errors.csv, log.csv\n"
           "  --space w|wplus   optimise one w (default) or one w per style slot (W+)\n"
           "  --steps N         Adam steps (1000)          --lr X          peak learning rate (0.1)\n"
           "  --l2 X            weight of the pixel L2 (1)  --perceptual X  weight of the perceptual distance (1)\n"
           "  --lpips FILE      the perceptual distance on LPIPS-VGG (weights converted by tools/convert_lpips.py)\n"
           "                    instead of the discriminator's features\n"
           "  --w-noise X       code noise at the start, times the spread of W (0.05; fades out over 75%% of the steps)\n"
           "  --noise-opt 0|1   also optimise the noise maps (autocorrelation penalty --noise-reg 1e5, renormalised)\n"
           "                    (writes noise.safetensors; default 0: the model's fixed noise)\n"
           "  --init FILE.npy   start from these codes [N,L,D] (e.g. encode's codes.npy, same image order) instead\n"
           "                    of w_avg: with --space wplus --w-noise 0 --steps 100 --lr 0.05, the hybrid\n"
           "  --batch N         images optimised together (8); each is its own problem\n"
           "  --gif 0|1         write NAME.gif (1)          --seed S       random draws (1)\n"
           "  --no-ema          use G's raw weights         --quiet         no progress lines\n");
}

static int bad(const char *msg) {
    fprintf(stderr, "morphogan project: %s\n", msg);
    return -1;
}

static int num(const char *opt, const char *v, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !(x >= lo && x <= hi)) {
        fprintf(stderr, "morphogan project: %s needs a number from %g to %g, got '%s'\n", opt, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse(int argc, char **argv, ProjCli *o) {
    *o = (ProjCli){.p = project_defaults(), .batch = 8, .gif = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 1; }
        if (!strcmp(a, "--no-ema")) { o->no_ema = 1; continue; }
        if (!strcmp(a, "--quiet")) { o->quiet = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan project: %s needs a value; see --help\n", a); return -1; }
        i++;
        if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--target")) o->target = v;
        else if (!strcmp(a, "--outdir")) o->outdir = v;
        else if (!strcmp(a, "--init")) o->init = v;
        else if (!strcmp(a, "--space")) {
            if (!strcmp(v, "w")) o->p.space = SPACE_W;
            else if (!strcmp(v, "wplus") || !strcmp(v, "w+")) o->p.space = SPACE_WPLUS;
            else return bad("--space is w or wplus");
        } else if (!strcmp(a, "--steps")) { if (num(a, v, 1, 1e6, &x)) return -1; o->p.steps = (int)x; }
        else if (!strcmp(a, "--lr")) { if (num(a, v, 0, 100, &x)) return -1; o->p.lr = (float)x; }
        else if (!strcmp(a, "--l2")) { if (num(a, v, 0, 1e6, &x)) return -1; o->p.l2 = (float)x; }
        else if (!strcmp(a, "--lpips")) o->lpips = v;
        else if (!strcmp(a, "--perceptual")) { if (num(a, v, 0, 1e6, &x)) return -1; o->p.perceptual = (float)x; }
        else if (!strcmp(a, "--w-noise")) { if (num(a, v, 0, 100, &x)) return -1; o->p.w_noise = (float)x; }
        else if (!strcmp(a, "--noise-opt")) { if (num(a, v, 0, 1, &x) || (x != 0 && x != 1)) return bad("--noise-opt is 0 or 1"); o->p.noise_opt = (int)x; }
        else if (!strcmp(a, "--noise-reg")) { if (num(a, v, 0, 1e12, &x)) return -1; o->p.noise_reg = (float)x; }
        else if (!strcmp(a, "--batch")) { if (num(a, v, 1, 4096, &x)) return -1; o->batch = (int)x; }
        else if (!strcmp(a, "--gif")) { if (num(a, v, 0, 1, &x) || (x != 0 && x != 1)) return bad("--gif is 0 or 1"); o->gif = (int)x; }
        else if (!strcmp(a, "--seed")) { if (num(a, v, 0, 1e18, &x)) return -1; o->p.seed = (uint64_t)x; }
        else { fprintf(stderr, "morphogan project: unknown option '%s'; see morphogan project --help\n", a); return -1; }
    }
    if (!o->ckpt) return bad("which generator? add --ckpt RUN/checkpoint.safetensors");
    if (!o->target) return bad("which images? add --target IMAGE or --target FOLDER");
    if (!o->outdir) return bad("where to? add --outdir DIR");
    return 0;
}

static int write_noise(const char *path, const ProjectOut *r, int first, const char *const *names) {
    StWriter w;
    st_writer_init(&w);
    char key[300];
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < r->n_noise; k++) {
            const int s = r->noise_res[k];
            snprintf(key, sizeof key, "%s.noise%d", names[first + i], k);
            st_writer_add(&w, key, 4, (int[]){1, 1, s, s}, r->noise[k] + (size_t)i * s * s);
        }
    int rc = st_write(&w, path);
    st_writer_free(&w);
    return rc;
}

int cmd_project(int argc, char **argv) {
    ProjCli o;
    int r = parse(argc, argv, &o);
    if (r) return r > 0 ? 0 : 2;
    GanModel m;
    if (inv_load_generator(o.ckpt, !o.no_ema, &m)) { fprintf(stderr, "morphogan project: %s\n", mg_error_get()); return 1; }
    Sg2 *g = gan_stylegan2_net(&m);
    const int C = g->s.channels, R = g->s.resolution, L = g->num_ws, D = g->s.w_dim;
    InvImages t;
    if (inv_load_images(o.target, C, R, &t)) {
        fprintf(stderr, "morphogan project: %s\n", mg_error_get());
        gan_model_free(&m);
        return 1;
    }
    if (mkdir(o.outdir, 0777) && errno != EEXIST) {
        fprintf(stderr, "morphogan project: %s: cannot create: %s\n", o.outdir, strerror(errno));
        inv_images_free(&t);
        gan_model_free(&m);
        return 1;
    }
    NpyArray init = {0};
    if (o.init) {
        if (npy_read(o.init, NPY_F32, &init)) {
            fprintf(stderr, "morphogan project: %s\n", mg_error_get());
            inv_images_free(&t);
            gan_model_free(&m);
            return 1;
        }
        if (init.ndim != 3 || init.shape[0] != t.n || init.shape[1] != L || init.shape[2] != D) {
            fprintf(stderr, "morphogan project: %s: codes %s, expected [%d,%d,%d] (one per image of %s, in file order)\n", o.init,
                    npy_shape_str(&init), t.n, L, D, o.target);
            npy_free(&init);
            inv_images_free(&t);
            gan_model_free(&m);
            return 1;
        }
    }
    LpipsVgg vgg;
    if (o.lpips) {
        if (lpips_load(&vgg, o.lpips)) {
            fprintf(stderr, "morphogan project: %s\n", mg_error_get());
            npy_free(&init);
            inv_images_free(&t);
            gan_model_free(&m);
            return 1;
        }
        o.p.lpips = &vgg;
    }
    WStats st;
    w_stats_compute(g, 10000, o.p.seed + 0x5eed, &st);
    if (o.gif) o.p.frame_every = o.p.steps >= 50 ? o.p.steps / 50 : 1;
    const size_t in = (size_t)C * R * R;
    float *codes = mg_xmalloc((size_t)t.n * L * D * sizeof(float));
    float *l1 = mg_xmalloc(sizeof(float) * t.n), *l2 = mg_xmalloc(sizeof(float) * t.n), *pc = mg_xmalloc(sizeof(float) * t.n);
    float *dn = mg_xmalloc(sizeof(float) * t.n);
    char **stems = mg_xmalloc(sizeof(char *) * t.n), path[4600], stem[512];
    for (int i = 0; i < t.n; i++) { inv_stem(t.file[i], stem, sizeof stem); stems[i] = strdup(stem); }
    snprintf(path, sizeof path, "%s/log.csv", o.outdir);
    FILE *log = fopen(path, "w");
    if (log) fprintf(log, "first_image,step,lr,loss\n");
    int rc = 0;
    for (int b0 = 0; b0 < t.n && !rc; b0 += o.batch) {
        const int n = t.n - b0 < o.batch ? t.n - b0 : o.batch;
        Projector p;
        if (projector_init(&p, &m, &st, t.x + (size_t)b0 * in, n, o.init ? (float *)init.data + (size_t)b0 * L * D : NULL, &o.p)) {
            rc = 1;
            break;
        }
        for (int s = 0; s < o.p.steps; s++) {
            float loss = projector_step(&p, s);
            float lr, ns;
            project_schedule(&o.p, s, st.std, &lr, &ns);
            if (log) fprintf(log, "%d,%d,%.6g,%.6g\n", b0, s, lr, loss);
            if (!o.quiet && (s % 100 == 0 || s == o.p.steps - 1))
                printf("images %d-%d of %d: step %d/%d, loss %.5f\n", b0 + 1, b0 + n, t.n, s + 1, o.p.steps, loss);
        }
        ProjectOut res;
        projector_finish(&p, &res);
        for (int i = 0; i < n && !rc; i++) {
            const int j = b0 + i;
            memcpy(codes + (size_t)j * L * D, res.codes + (size_t)i * L * D, sizeof(float) * L * D);
            l1[j] = res.l1[i];
            l2[j] = res.l2[i];
            pc[j] = res.perc[i];
            dn[j] = (float)inv_delta_norm(res.codes + (size_t)i * L * D, L, D);
            snprintf(path, sizeof path, "%s/%s_pair.png", o.outdir, stems[j]);
            rc = inv_write_pair_png(path, t.x + (size_t)j * in, res.images + (size_t)i * in, C, R);
            snprintf(path, sizeof path, "%s/%s_recon.png", o.outdir, stems[j]);
            if (!rc) {
                Image im;
                Tensor one = {.ndim = 4, .shape = {1, C, R, R}, .data = res.images + (size_t)i * in};
                rc = samples_image(&one, 0, &im) || image_write_png(path, &im);
                image_free(&im);
            }
            snprintf(path, sizeof path, "%s/%s.npy", o.outdir, stems[j]);
            if (!rc) rc = npy_write(path, NPY_F32, 2, (int64_t[]){L, D}, res.codes + (size_t)i * L * D);
            snprintf(path, sizeof path, "%s/%s.gif", o.outdir, stems[j]);
            if (!rc && o.gif) rc = inv_write_gif(path, t.x + (size_t)j * in, res.frames + (size_t)i * in, (size_t)n * in, res.nframes, C, R, 8);
            if (!o.quiet && !rc) printf("%s: l2 %.5f, perceptual %.5f\n", t.file[j], l2[j], pc[j]);
        }
        if (!rc && o.p.noise_opt) {
            snprintf(path, sizeof path, "%s/noise_%05d.safetensors", o.outdir, b0);
            rc = write_noise(path, &res, b0, (const char *const *)stems);
        }
        project_out_free(&res);
    }
    if (log) fclose(log);
    if (!rc) {
        snprintf(path, sizeof path, "%s/codes.npy", o.outdir);
        rc = npy_write(path, NPY_F32, 3, (int64_t[]){t.n, L, D}, codes);
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/errors.csv", o.outdir);
        rc = inv_write_errors_csv(path, t.n, t.file, t.label, NULL, l1, l2, pc, dn);
    }
    if (rc) fprintf(stderr, "morphogan project: %s\n", mg_error_get());
    else printf("%s: %d image%s projected (%s, %d steps): codes.npy [%d,%d,%d], errors.csv\n", o.outdir, t.n, t.n == 1 ? "" : "s",
                o.p.space == SPACE_W ? "W" : "W+", o.p.steps, t.n, L, D);
    for (int i = 0; i < t.n; i++) free(stems[i]);
    free(stems);
    free(codes); free(l1); free(l2); free(pc); free(dn);
    w_stats_free(&st);
    npy_free(&init);
    inv_images_free(&t);
    if (o.lpips) lpips_free(&vgg);
    gan_model_free(&m);
    return rc ? 1 : 0;
}
