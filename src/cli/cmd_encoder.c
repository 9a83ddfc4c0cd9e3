/* morphogan train-encoder: an e4e-style encoder (inversion/encoder.h) for a trained StyleGAN2 generator.
 * morphogan encode: the latent table of a labelled data set (codes.npy + table.csv, the input of
 * `morphogan analyze --table`), per-image reconstruction errors, a reconstruction grid, and optionally the
 * hybrid (encoder + short optimisation) and the morphology check. */
#include "cli/commands.h"
#include "core/error.h"
#include "report/figures.h"
#include "report/svg_png.h"
#include "inversion/ablation.h"
#include "inversion/encoder_io.h"
#include "inversion/inv_io.h"
#include "inversion/inv_model.h"
#include "inversion/morpho_check.h"
#include "inversion/project.h"
#include "inversion/recon_fid.h"
#include "models/stylegan2.h"
#include "train/model_stylegan2.h"
#include "train/sg2_sample.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static const char *cmd_name = "train-encoder";

static int num(const char *opt, const char *v, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !(x >= lo && x <= hi)) {
        fprintf(stderr, "morphogan %s: %s needs a number from %g to %g, got '%s'\n", cmd_name, opt, lo, hi, v);
        return -1;
    }
    *out = x;
    return 0;
}

static int bad(const char *msg) {
    fprintf(stderr, "morphogan %s: %s\n", cmd_name, msg);
    return -1;
}

static int make_dir(const char *d) {
    if (mkdir(d, 0777) && errno != EEXIST) return mg_error_set("%s: cannot create: %s", d, strerror(errno));
    return 0;
}

/* ------------------------------------------------------------------ train-encoder */

typedef struct {
    const char *ckpt, *data, *outdir, *resume, *lpips;
    EncTrainOpts t;
    int width, feat, snap, prog_set, quiet;
    double split;
    uint64_t split_seed;
} TrainEncCli;

static void train_usage(void) {
    printf("usage: morphogan train-encoder --ckpt CKPT --outdir DIR [--data DIR] [options]\n"
           "Trains an e4e-style encoder (image -> W+ codes w, w + offsets) against a frozen StyleGAN2 generator\n"
           "(docs/inversion.md).  Batches mix real images (the train split of --data) and images the generator makes.\n"
           "  --ckpt FILE            checkpoint of morphogan train --cfg stylegan2 (G's EMA weights)\n"
           "  --data DIR             real images (sub-folders = labels), the generator's size and channels; the split:\n"
           "                         DIR/dataset.csv when present, else stratified --split 0.8 --split-seed 1\n"
           "                         (without --data: generated images only)\n"
           "  --outdir DIR           encoder.safetensors, log.csv, val.csv, val_STEP.png (target | reconstruction)\n"
           "  --steps N (2000)  --batch N (8)  --lr X (0.005)  --seed S (1)\n"
           "  --gen-frac X           share of generated images in a batch (0.5)\n"
           "  --l2 X (1)  --perceptual X (0.8)   reconstruction loss weights (perceptual: D's features)\n"
           "  --delta-reg X          weight of sum_i |offset_i| (2e-4)\n"
           "  --adv X                weight of the latent discriminator's loss (0.1; 0: no latent discriminator)\n"
           "  --lr-d X (2e-4)  --r1-gamma X (10)   the latent discriminator's Adam and R1 (every 16 steps)\n"
           "  --consistency X        ALAE-style |w - E(G(w))|^2 on the generated images (1; 0: off)\n"
           "  --lpips FILE           perceptual loss on LPIPS-VGG (tools/convert_lpips.py) instead of D's features\n"
           "  --recon 0|1            reconstruction losses (1); --recon 0 --consistency 1: consistency alone\n"
           "  --progressive-every K  release one offset every K steps (default steps / (2 (L-1)); 0: all at once)\n"
           "  --width N (32)  --feat N (64)     backbone and pyramid/head channels\n"
           "  --snap N               validation metrics, grid and checkpoint every N steps (500)\n"
           "  --resume FILE          continue a run (its options) up to --steps\n");
}

static int train_parse(int argc, char **argv, TrainEncCli *o) {
    *o = (TrainEncCli){.t = enc_train_defaults(), .width = 32, .feat = 64, .snap = 500, .split = 0.8, .split_seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { train_usage(); return 1; }
        if (!strcmp(a, "--quiet")) { o->quiet = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan train-encoder: %s needs a value; see --help\n", a); return -1; }
        i++;
        if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--data")) o->data = v;
        else if (!strcmp(a, "--outdir")) o->outdir = v;
        else if (!strcmp(a, "--resume")) o->resume = v;
        else if (!strcmp(a, "--lpips")) o->lpips = v;
        else if (!strcmp(a, "--steps")) { if (num(a, v, 0, 1e8, &x)) return -1; o->t.steps = (int)x; }
        else if (!strcmp(a, "--batch")) { if (num(a, v, 1, 4096, &x)) return -1; o->t.batch = (int)x; }
        else if (!strcmp(a, "--lr")) { if (num(a, v, 0, 10, &x)) return -1; o->t.lr = (float)x; }
        else if (!strcmp(a, "--seed")) { if (num(a, v, 0, 1e18, &x)) return -1; o->t.seed = (uint64_t)x; }
        else if (!strcmp(a, "--gen-frac")) { if (num(a, v, 0, 1, &x)) return -1; o->t.gen_frac = (float)x; }
        else if (!strcmp(a, "--l2")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.l2 = (float)x; }
        else if (!strcmp(a, "--perceptual")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.perceptual = (float)x; }
        else if (!strcmp(a, "--delta-reg")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.delta_reg = (float)x; }
        else if (!strcmp(a, "--adv")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.adv = (float)x; }
        else if (!strcmp(a, "--lr-d")) { if (num(a, v, 0, 10, &x)) return -1; o->t.lr_d = (float)x; }
        else if (!strcmp(a, "--r1-gamma")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.r1_gamma = (float)x; }
        else if (!strcmp(a, "--consistency")) { if (num(a, v, 0, 1e6, &x)) return -1; o->t.consistency = (float)x; }
        else if (!strcmp(a, "--recon")) { if (num(a, v, 0, 1, &x) || (x != 0 && x != 1)) return bad("--recon is 0 or 1"); o->t.recon = (int)x; }
        else if (!strcmp(a, "--progressive-every")) { if (num(a, v, 0, 1e8, &x)) return -1; o->t.progressive_every = (int)x; o->prog_set = 1; }
        else if (!strcmp(a, "--width")) { if (num(a, v, 1, 512, &x)) return -1; o->width = (int)x; }
        else if (!strcmp(a, "--feat")) { if (num(a, v, 1, 512, &x)) return -1; o->feat = (int)x; }
        else if (!strcmp(a, "--snap")) { if (num(a, v, 1, 1e8, &x)) return -1; o->snap = (int)x; }
        else if (!strcmp(a, "--split")) { if (num(a, v, 0, 1, &x)) return -1; o->split = x; }
        else if (!strcmp(a, "--split-seed")) { if (num(a, v, 0, 1e18, &x)) return -1; o->split_seed = (uint64_t)x; }
        else { fprintf(stderr, "morphogan train-encoder: unknown option '%s'; see morphogan train-encoder --help\n", a); return -1; }
    }
    if (!o->ckpt && !o->resume) return bad("which generator? add --ckpt RUN/checkpoint.safetensors");
    if (!o->outdir) return bad("where to? add --outdir DIR");
    if (!o->t.recon && o->t.consistency <= 0) return bad("--recon 0 leaves nothing to train; add --consistency 1 (ALAE-style)");
    return 0;
}

/* up to 64 validation images (or the first ones when there is no validation split) */
static float *pick_eval(const InvImages *im, const int *is_val, int *n_out, char ***names) {
    const size_t in = (size_t)im->C * im->R * im->R;
    int n = 0, want = 64, any_val = 0;
    for (int i = 0; i < im->n; i++) any_val |= is_val[i];
    float *x = mg_xmalloc((size_t)want * in * sizeof(float));
    *names = mg_xcalloc((size_t)want, sizeof(char *));
    /* spread over the set: every k-th eligible image */
    int elig = 0;
    for (int i = 0; i < im->n; i++) elig += !any_val || is_val[i];
    const int stride = elig > want ? elig / want : 1;
    for (int i = 0, e = 0; i < im->n && n < want; i++) {
        if (any_val && !is_val[i]) continue;
        if (e++ % stride) continue;
        memcpy(x + (size_t)n * in, im->x + (size_t)i * in, in * sizeof(float));
        (*names)[n++] = im->file[i];
    }
    *n_out = n;
    return x;
}

static void eval_snapshot(GanModel *m, const Encoder *e, int active, const float *x, int n, long step, FILE *val, const char *outdir,
                          int quiet) {
    if (n == 0) return;
    const EncSpec *s = &e->s;
    const size_t in = (size_t)s->channels * s->resolution * s->resolution, cn = (size_t)s->num_ws * s->w_dim;
    float *codes = mg_xmalloc((size_t)n * cn * sizeof(float)), *rec = mg_xmalloc((size_t)n * in * sizeof(float));
    float *l1 = mg_xmalloc(sizeof(float) * n), *l2 = mg_xmalloc(sizeof(float) * n), *pc = mg_xmalloc(sizeof(float) * n);
    enc_encode(m, e, x, n, active, codes, rec, l1, l2, pc);
    double a = 0, b = 0, c = 0, d = 0;
    for (int i = 0; i < n; i++) {
        a += l1[i];
        b += l2[i];
        c += pc[i];
        d += inv_delta_norm(codes + (size_t)i * cn, s->num_ws, s->w_dim);
    }
    if (val) { fprintf(val, "%ld,%d,%.6g,%.6g,%.6g,%.6g\n", step, active, a / n, b / n, c / n, d / n); fflush(val); }
    if (!quiet) printf("  validation (%d images) at step %ld: L1 %.4f  L2 %.4f  perceptual %.4f  |delta| %.3f\n", n, step, a / n, b / n, c / n, d / n);
    char p[4200];
    snprintf(p, sizeof p, "%s/val_%06ld.png", outdir, step);
    if (inv_write_pair_grid(p, x, rec, n < 16 ? n : 16, s->channels, s->resolution, 4))
        fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
    free(codes); free(rec); free(l1); free(l2); free(pc);
}

int cmd_train_encoder(int argc, char **argv) {
    cmd_name = "train-encoder";
    TrainEncCli o;
    int r = train_parse(argc, argv, &o);
    if (r) return r > 0 ? 0 : 2;
    EncFile ef = {0};
    const char *gen_path = o.ckpt;
    if (o.resume) {
        if (enc_load(o.resume, &ef)) { fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get()); return 1; }
        const int steps = o.t.steps;
        o.t = ef.train;
        o.t.steps = steps;
        if (!gen_path) gen_path = ef.generator;
    }
    GanModel m;
    if (inv_load_generator(gen_path, 1, &m)) {
        fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
        if (o.resume) enc_file_free(&ef);
        return 1;
    }
    Sg2 *g = gan_stylegan2_net(&m);
    const int C = g->s.channels, R = g->s.resolution, L = g->num_ws;
    if (!o.prog_set && !o.resume) o.t.progressive_every = o.t.steps / (2 * (L - 1)) > 0 ? o.t.steps / (2 * (L - 1)) : 1;
    InvImages im = {0};
    int *is_val = NULL, from_csv = 0, rc = 0;
    if (o.data) {
        if (inv_load_images(o.data, C, R, &im)) rc = 1;
        else {
            is_val = mg_xmalloc(sizeof(int) * im.n);
            if (inv_split(&im, o.data, o.split, o.split_seed, is_val, &from_csv)) rc = 1;
        }
    }
    if (!rc && make_dir(o.outdir)) rc = 1;
    if (rc) {
        fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
        inv_images_free(&im);
        free(is_val);
        gan_model_free(&m);
        if (o.resume) enc_file_free(&ef);
        return 1;
    }
    /* training images: the train split */
    const size_t in = (size_t)C * R * R;
    int n_train = 0;
    float *train = mg_xmalloc((size_t)(im.n ? im.n : 1) * in * sizeof(float));
    for (int i = 0; i < im.n; i++)
        if (!is_val[i]) memcpy(train + (size_t)n_train++ * in, im.x + (size_t)i * in, in * sizeof(float));
    Encoder e;
    LatentDisc ld = {0};
    if (o.resume) {
        e = ef.e;
        ld = ef.ld;
    } else {
        WStats st;
        w_stats_compute(g, 10000, o.t.seed + 0x5eed, &st);
        Rng init = rng_new(o.t.seed);
        if (encoder_init(&e, (EncSpec){R, C, g->s.w_dim, L, o.width, o.feat}, st.avg, &init)) {
            fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
            return 1;
        }
        if (o.t.adv > 0) latent_disc_init(&ld, g->s.w_dim, 256, &init);
        w_stats_free(&st);
    }
    LpipsVgg vgg;
    if (o.lpips) {
        if (lpips_load(&vgg, o.lpips)) { fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get()); return 1; }
        o.t.lpips = &vgg;
    }
    EncTrainer t;
    if (enc_trainer_init(&t, &m, &e, ld.ps ? &ld : NULL, train, n_train, &o.t)) {
        fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
        return 1;
    }
    if (o.resume) {
        t.opt_e = ef.opt_e;
        t.opt_d = ef.opt_d;
        t.rng = ef.rng;
        t.step = ef.step;
    }
    int n_eval;
    char **eval_names;
    float *xeval = pick_eval(&im, is_val ? is_val : (int[]){0}, &n_eval, &eval_names);
    char p[4200];
    snprintf(p, sizeof p, "%s/log.csv", o.outdir);
    FILE *log = fopen(p, o.resume ? "a" : "w");
    if (log && !o.resume) fprintf(log, "step,active,loss,l2,perceptual,delta_norm,adv,consistency,d_loss,r1,seconds\n");
    snprintf(p, sizeof p, "%s/val.csv", o.outdir);
    FILE *val = fopen(p, o.resume ? "a" : "w");
    if (val && !o.resume) fprintf(val, "step,active,l1,l2,perceptual,delta_norm\n");
    snprintf(p, sizeof p, "%s/encoder.safetensors", o.outdir);
    if (!o.quiet)
        printf("train-encoder: %d real training images (%s), %d for validation, batch %d (%.0f%% generated), %d steps, "
               "offsets released every %d steps; latent discriminator %s, consistency %g\n",
               n_train, o.data ? (from_csv ? "split of dataset.csv" : "stratified split") : "none", n_eval, o.t.batch,
               100.0 * (n_train ? o.t.gen_frac : 1.0), o.t.steps, o.t.progressive_every, t.ld ? "on" : "off", o.t.consistency);
    const double t0 = now_s();
    EncStepStats s = {0};
    while (t.step < o.t.steps && !rc) {
        s = enc_train_step(&t);
        if (log) fprintf(log, "%ld,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.1f\n", t.step, s.active, s.loss, s.l2, s.perc, s.dreg,
                         s.adv, s.cons, s.d_loss, s.r1, now_s() - t0);
        if (!isfinite(s.loss)) { rc = mg_error_set("step %ld: the loss is not finite (%g); lower --lr", t.step, s.loss); break; }
        if (!o.quiet && (t.step % 50 == 0 || t.step == 1))
            printf("step %6ld/%d  active %d  loss %.4f  l2 %.4f  perc %.4f  |delta| %.3f  adv %.3f  cons %.4f  D %.3f  (%.1f s)\n",
                   t.step, o.t.steps, s.active, s.loss, s.l2, s.perc, s.dreg, s.adv, s.cons, s.d_loss, now_s() - t0);
        if (t.step % o.snap == 0 || t.step == o.t.steps) {
            if (log) fflush(log);
            eval_snapshot(&m, &e, s.active, xeval, n_eval, t.step, val, o.outdir, o.quiet);
            if (enc_save(p, &e, ld.ps ? &ld : NULL, gen_path, s.active, &t)) rc = 1;
        }
    }
    if (o.t.steps == 0 && !rc && enc_save(p, &e, ld.ps ? &ld : NULL, gen_path, enc_active(&o.t, 0, L), &t)) rc = 1;
    if (log) fclose(log);
    if (val) fclose(val);
    if (rc) fprintf(stderr, "morphogan train-encoder: %s\n", mg_error_get());
    else printf("done: %s (%ld steps, %.0f s), log.csv, val.csv\n", p, t.step, now_s() - t0);
    enc_trainer_free(&t);
    free(xeval);
    free(eval_names);
    free(train);
    free(is_val);
    inv_images_free(&im);
    encoder_free(&e);
    latent_disc_free(&ld);
    if (o.lpips) lpips_free(&vgg);
    gan_model_free(&m);
    return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ encode */

typedef struct {
    const char *enc, *ckpt, *data, *outdir, *codes, *lpips;
    const LpipsVgg *vgg;        /* loaded from lpips: the hybrid's perceptual distance */
    int hybrid_table;           /* > 0: the hybrid on up to this many validation images of each class, written as OUT/hybrid */
    int hybrid_steps, hybrid_max, hybrid_batch, morpho, grid, quiet, generated;
    float hybrid_lr;
    double split;
    uint64_t split_seed;
} EncodeCli;

static void encode_usage(void) {
    printf("usage: morphogan encode --enc ENC --data DIR --outdir OUT [options]\n"
           "Encodes every image of a labelled folder with a trained encoder and writes the latent table:\n"
           "  OUT/codes.npy           float32 [N,L,D] codes (W+; what morphogan analyze --table OUT reads)\n"
           "  OUT/table.csv           file,label,split (one row per code, same order)\n"
           "  OUT/recon/errors.csv    file,label,split,l1,l2,perceptual,delta_norm per image, and --generated N\n"
           "                          images of the generator (seeds 0..N-1, default 256) as label and split 'generated'\n"
           "  OUT/recon/grid.png      targets beside their reconstructions (first --grid images, 32)\n"
           "  --enc FILE              encoder.safetensors of morphogan train-encoder\n"
           "  --ckpt FILE             the generator (default: the one the encoder was trained with)\n"
           "  --data DIR              images (sub-folders = labels); split from DIR/dataset.csv, else stratified\n"
           "                          --split 0.8 --split-seed 1 (the encoder's training split when it used the same)\n"
           "  --hybrid-steps K        also refine the encoder's codes by K projector steps in W+ (lr --hybrid-lr 0.05,\n"
           "                          the reference schedule, no code noise) on at most --hybrid-max validation images (64)\n"
           "                          and compare: recon/hybrid.csv, recon/hybrid_grid.png\n"
           "  --hybrid-table K        the hybrid on up to K validation images of each class instead (--hybrid-max ignored),\n"
           "                          also written as a latent table OUT/hybrid/ (codes.npy, table.csv): codes that keep\n"
           "                          the shapes better than the encoder's (bending slope ~0.9 vs ~0.5), for analyze/walk\n"
           "  --lpips FILE            the hybrid's perceptual distance on LPIPS-VGG (tools/convert_lpips.py) instead of\n"
           "                          D's features (the reported perceptual columns stay on D's features)\n"
           "  --codes encoder|hybrid  what codes.npy holds (encoder); hybrid refines every image (slow: K steps each)\n"
           "  --morpho-check          measure length and bending of the validation images and of their reconstructions\n"
           "                          (outline morphometrics): median relative length error, bending r; recon/morpho.csv\n");
}

static int encode_parse(int argc, char **argv, EncodeCli *o) {
    *o = (EncodeCli){.codes = "encoder", .generated = 256, .hybrid_max = 64, .hybrid_batch = 16, .hybrid_lr = 0.05f, .grid = 32, .split = 0.8,
                     .split_seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { encode_usage(); return 1; }
        if (!strcmp(a, "--morpho-check")) { o->morpho = 1; continue; }
        if (!strcmp(a, "--quiet")) { o->quiet = 1; continue; }
        if (!v) { fprintf(stderr, "morphogan encode: %s needs a value; see --help\n", a); return -1; }
        i++;
        if (!strcmp(a, "--enc")) o->enc = v;
        else if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--data")) o->data = v;
        else if (!strcmp(a, "--outdir")) o->outdir = v;
        else if (!strcmp(a, "--codes")) {
            if (strcmp(v, "encoder") && strcmp(v, "hybrid")) return bad("--codes is encoder or hybrid");
            o->codes = v;
        } else if (!strcmp(a, "--hybrid-steps")) { if (num(a, v, 0, 1e6, &x)) return -1; o->hybrid_steps = (int)x; }
        else if (!strcmp(a, "--hybrid-table")) { if (num(a, v, 1, 1e9, &x)) return -1; o->hybrid_table = (int)x; }
        else if (!strcmp(a, "--hybrid-max")) { if (num(a, v, 1, 1e9, &x)) return -1; o->hybrid_max = (int)x; }
        else if (!strcmp(a, "--lpips")) o->lpips = v;
        else if (!strcmp(a, "--hybrid-lr")) { if (num(a, v, 0, 10, &x)) return -1; o->hybrid_lr = (float)x; }
        else if (!strcmp(a, "--hybrid-batch")) { if (num(a, v, 1, 4096, &x)) return -1; o->hybrid_batch = (int)x; }
        else if (!strcmp(a, "--grid")) { if (num(a, v, 1, 4096, &x)) return -1; o->grid = (int)x; }
        else if (!strcmp(a, "--generated")) { if (num(a, v, 0, 1e6, &x)) return -1; o->generated = (int)x; }
        else if (!strcmp(a, "--split")) { if (num(a, v, 0, 1, &x)) return -1; o->split = x; }
        else if (!strcmp(a, "--split-seed")) { if (num(a, v, 0, 1e18, &x)) return -1; o->split_seed = (uint64_t)x; }
        else { fprintf(stderr, "morphogan encode: unknown option '%s'; see morphogan encode --help\n", a); return -1; }
    }
    if (!o->enc) return bad("which encoder? add --enc RUN/encoder.safetensors");
    if (!o->data) return bad("which images? add --data DIR");
    if (!o->outdir) return bad("where to? add --outdir DIR");
    if (!strcmp(o->codes, "hybrid") && o->hybrid_steps < 1) return bad("--codes hybrid needs --hybrid-steps K (e.g. 100)");
    if (o->hybrid_table > 0 && o->hybrid_steps < 1) return bad("--hybrid-table needs --hybrid-steps K (e.g. 100)");
    return 0;
}

/* hybrid: the projector from the given codes, in W+ without code noise; codes [n,L,D] replaced */
static int hybrid_refine(GanModel *m, const WStats *st, const float *x, int n, float *codes, const EncodeCli *o) {
    const Sg2 *g = gan_stylegan2_net(m);
    const size_t in = (size_t)g->s.channels * g->s.resolution * g->s.resolution, cn = (size_t)g->num_ws * g->s.w_dim;
    ProjectOpts po = project_defaults();
    po.space = SPACE_WPLUS;
    po.steps = o->hybrid_steps;
    po.lr = o->hybrid_lr;
    po.w_noise = 0;
    po.lpips = o->vgg;
    for (int b0 = 0; b0 < n; b0 += o->hybrid_batch) {
        const int k = n - b0 < o->hybrid_batch ? n - b0 : o->hybrid_batch;
        ProjectOut r;
        if (project_batch(m, st, x + (size_t)b0 * in, k, codes + (size_t)b0 * cn, &po, &r)) return -1;
        memcpy(codes + (size_t)b0 * cn, r.codes, (size_t)k * cn * sizeof(float));
        project_out_free(&r);
        if (!o->quiet) printf("  hybrid: %d/%d images refined (%d steps)\n", b0 + k, n, po.steps);
    }
    return 0;
}

static double mean_of(const float *v, const int *idx, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += v[idx ? idx[i] : i];
    return n ? s / n : NAN;
}

/* per-class means of the errors (printed) */
static void print_class_table(const InvImages *im, const int *is_val, const float *l1, const float *l2, const float *pc, const float *dn) {
    printf("%-16s %5s %6s %9s %9s %11s %9s\n", "class", "split", "n", "L1", "L2", "perceptual", "|delta|");
    for (int i = 0; i < im->n; i++) {
        int first = 1;
        for (int j = 0; j < i; j++) if (!strcmp(im->label[j], im->label[i])) { first = 0; break; }
        if (!first) continue;
        for (int sp = 0; sp < 2; sp++) {
            double a = 0, b = 0, c = 0, d = 0;
            int n = 0;
            for (int j = 0; j < im->n; j++)
                if (!strcmp(im->label[j], im->label[i]) && is_val[j] == sp) { a += l1[j]; b += l2[j]; c += pc[j]; d += dn[j]; n++; }
            if (n) printf("%-16s %5s %6d %9.4f %9.4f %11.4f %9.3f\n", im->label[i], sp ? "val" : "train", n, a / n, b / n, c / n, d / n);
        }
    }
}

static void print_morpho(const char *what, const MorphoCheck *c) {
    printf("morpho check (%s): %d validation images, %d measured in both; length: median relative error %.2f%% "
           "(target < 5%%), r = %.3f; bending: r = %.3f (target > 0.8), slope %.2f\n",
           what, c->n, c->n_ok, 100 * c->len_median_rel_err, c->len_r, c->bend_r, c->bend_slope);
}

static int write_morpho_csv(const char *path, const InvImages *im, const int *idx, int n, const MorphoPair *rows) {
    FILE *f = fopen(path, "w");
    if (!f) return mg_error_set("%s: cannot write", path);
    fprintf(f, "file,label,ok,length_image,length_recon,bending_image,bending_recon\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "%s,%s,%d,%.4f,%.4f,%.5f,%.5f\n", im->file[idx[i]], im->label[idx[i]], rows[i].ok, rows[i].len_img, rows[i].len_rec,
                rows[i].bend_img, rows[i].bend_rec);
    return fclose(f) ? mg_error_set("%s: write failed", path) : 0;
}

/* the reconstruction FID in the morphometric space: all validation images, then each label among them */
static void print_recon_fid(const InvImages *im, const int *vidx, int nv, const float *vx, const float *vrec, int C, int R) {
    const size_t in = (size_t)C * R * R;
    float *a = mg_xmalloc((size_t)(nv ? nv : 1) * in * sizeof(float)), *b = mg_xmalloc((size_t)(nv ? nv : 1) * in * sizeof(float));
    for (int q = -1; q < nv; q++) {              /* q = -1: every validation image; else the label of image q, once */
        const char *lab = q < 0 ? NULL : im->label[vidx[q]];
        int first = 1;
        for (int j = 0; q >= 0 && j < q && first; j++) first = strcmp(im->label[vidx[j]], lab) != 0;
        if (!first) continue;
        int k = 0;
        for (int i = 0; i < nv; i++)
            if (!lab || !strcmp(im->label[vidx[i]], lab)) {
                memcpy(a + (size_t)k * in, vx + (size_t)i * in, in * sizeof(float));
                memcpy(b + (size_t)k * in, vrec + (size_t)i * in, in * sizeof(float));
                k++;
            }
        if (lab && k == nv) break;               /* one label only: the same as "all" */
        double fid;
        long na, nb;
        if (recon_fid_morpho(a, b, k, C, R, &fid, &na, &nb))
            printf("reconstruction FID (morphometric features), %s: not computed (%s)\n", lab ? lab : "all", mg_error_get());
        else
            printf("reconstruction FID (morphometric features, z-scored by the images'), %s: %.3f (%ld images, %ld reconstructions "
                   "measured)\n", lab ? lab : "all", fid, na, nb);
    }
    free(a);
    free(b);
}

/* recon/l1_density.png: kernel-density curves of the per-image L1 error by label (the classes, then
 * "generated"), as in the study; the same figure as the report's, rendered to PNG */
static int write_l1_density(const char *path, int N, char *const *label, const float *l1) {
    const char *names[64];
    int ng = 0, *grp = mg_xmalloc(sizeof(int) * N);
    double *v = mg_xmalloc(sizeof(double) * N);
    for (int i = 0; i < N; i++) {
        int k = 0;
        while (k < ng && strcmp(names[k], label[i])) k++;
        if (k == ng && ng < 64) names[ng++] = label[i];
        grp[i] = k < 64 ? k : 63;
        v[i] = l1[i];
    }
    StrBuf b = {0};
    fig_densities(&b, v, grp, N, names, ng, "per-image L1 error of the reconstruction", KDE_SCOTT,
                  "reconstruction error densities by class");
    int rc = svg_write_png(sb_str(&b), b.len, 2.0, path);
    sb_free(&b);
    free(grp);
    free(v);
    return rc;
}

/* recon/errors.csv: the data set's images, then ng generated images (label and split "generated");
 * recon/l1_density.png beside it */
static int write_errors_with_generated(const char *path, GanModel *m, const EncFile *ef, const InvImages *im, const int *is_val,
                                       const float *l1, const float *l2, const float *pc, const float *dn, int ng) {
    Sg2 *g = gan_stylegan2_net(m);
    const int n = im->n, N = n + ng, L = g->num_ws, D = g->s.w_dim;
    const size_t in = (size_t)g->s.channels * g->s.resolution * g->s.resolution, cn = (size_t)L * D;
    char **file = mg_xmalloc(sizeof(char *) * N), **label = mg_xmalloc(sizeof(char *) * N), **split = mg_xmalloc(sizeof(char *) * N);
    float *a = mg_xmalloc(sizeof(float) * N), *b = mg_xmalloc(sizeof(float) * N), *c = mg_xmalloc(sizeof(float) * N);
    float *d = mg_xmalloc(sizeof(float) * N);
    for (int i = 0; i < n; i++) {
        file[i] = strdup(im->file[i]);
        label[i] = strdup(im->label[i]);
        split[i] = strdup(is_val[i] ? "val" : "train");
        a[i] = l1[i]; b[i] = l2[i]; c[i] = pc[i]; d[i] = dn[i];
    }
    if (ng > 0) {
        float *x = mg_xmalloc((size_t)ng * in * sizeof(float)), *codes = mg_xmalloc((size_t)ng * cn * sizeof(float));
        long *seeds = mg_xmalloc(sizeof(long) * ng);
        for (int i = 0; i < ng; i++) seeds[i] = i;
        for (int i0 = 0; i0 < ng; i0 += 32) {                     /* G(w) of seeds, the constant noise */
            const int k = ng - i0 < 32 ? ng - i0 : 32;
            int old = mg_set_grad_enabled(0);
            mg_step_reset();
            Tensor *z, *w;
            sg2_codes_for_seeds(g, seeds + i0, k, 1.0f, -1, &z, &w);
            Tensor *img = sg2_render(g, sg2_broadcast_w(g, w));
            memcpy(x + (size_t)i0 * in, img->data, (size_t)k * in * sizeof(float));
            mg_set_grad_enabled(old);
        }
        enc_encode(m, &ef->e, x, ng, ef->active, codes, NULL, a + n, b + n, c + n);
        char name[64];
        for (int i = 0; i < ng; i++) {
            snprintf(name, sizeof name, "generated/seed%04d", i);
            file[n + i] = strdup(name);
            label[n + i] = strdup("generated");
            split[n + i] = strdup("generated");
            d[n + i] = (float)inv_delta_norm(codes + (size_t)i * cn, L, D);
        }
        free(x); free(codes); free(seeds);
    }
    int rc = inv_write_errors_csv(path, N, file, label, (const char *const *)split, a, b, c, d);
    char png[4200];
    const char *slash = strrchr(path, '/');
    snprintf(png, sizeof png, "%.*sl1_density.png", slash ? (int)(slash - path + 1) : 0, path);
    if (!rc) rc = write_l1_density(png, N, label, a);
    for (int i = 0; i < N; i++) { free(file[i]); free(label[i]); free(split[i]); }
    free(file); free(label); free(split); free(a); free(b); free(c); free(d);
    return rc;
}

int cmd_encode(int argc, char **argv) {
    cmd_name = "encode";
    EncodeCli o;
    int r = encode_parse(argc, argv, &o);
    if (r) return r > 0 ? 0 : 2;
    EncFile ef;
    if (enc_load(o.enc, &ef)) { fprintf(stderr, "morphogan encode: %s\n", mg_error_get()); return 1; }
    GanModel m;
    if (inv_load_generator(o.ckpt ? o.ckpt : ef.generator, 1, &m)) {
        fprintf(stderr, "morphogan encode: %s\n", mg_error_get());
        enc_file_free(&ef);
        return 1;
    }
    Sg2 *g = gan_stylegan2_net(&m);
    const int C = g->s.channels, R = g->s.resolution, L = g->num_ws, D = g->s.w_dim;
    InvImages im = {0};
    int *is_val = NULL, from_csv = 0, rc = 0;
    char p[4200];
    if (ef.e.s.resolution != R || ef.e.s.channels != C || ef.e.s.num_ws != L || ef.e.s.w_dim != D)
        rc = mg_error_set("%s: the encoder makes codes [%d,%d] from %dx%d images; the generator %s takes [%d,%d] and makes %dx%d",
                          o.enc, ef.e.s.num_ws, ef.e.s.w_dim, ef.e.s.resolution, ef.e.s.resolution, o.ckpt ? o.ckpt : ef.generator, L, D, R, R);
    if (!rc && inv_load_images(o.data, C, R, &im)) rc = -1;
    if (!rc) {
        is_val = mg_xmalloc(sizeof(int) * im.n);
        if (inv_split(&im, o.data, o.split, o.split_seed, is_val, &from_csv)) rc = -1;
    }
    snprintf(p, sizeof p, "%s/recon", o.outdir);
    if (!rc && (make_dir(o.outdir) || make_dir(p))) rc = -1;
    if (rc) {
        fprintf(stderr, "morphogan encode: %s\n", mg_error_get());
        inv_images_free(&im);
        free(is_val);
        gan_model_free(&m);
        enc_file_free(&ef);
        return 1;
    }
    const int n = im.n;
    const size_t in = (size_t)C * R * R, cn = (size_t)L * D;
    float *codes = mg_xmalloc((size_t)n * cn * sizeof(float)), *rec = mg_xmalloc((size_t)n * in * sizeof(float));
    float *l1 = mg_xmalloc(sizeof(float) * n), *l2 = mg_xmalloc(sizeof(float) * n), *pc = mg_xmalloc(sizeof(float) * n);
    float *dn = mg_xmalloc(sizeof(float) * n);
    const double t0 = now_s();
    enc_encode(&m, &ef.e, im.x, n, ef.active, codes, rec, l1, l2, pc);
    if (!o.quiet) printf("encoded %d images in %.1f s (%d offsets active)\n", n, now_s() - t0, ef.active);
    WStats st = {0};
    LpipsVgg vgg;
    if (o.hybrid_steps > 0 && o.lpips) {
        if (lpips_load(&vgg, o.lpips)) { fprintf(stderr, "morphogan encode: %s\n", mg_error_get()); return 1; }
        o.vgg = &vgg;
    }
    if (o.hybrid_steps > 0) w_stats_compute(g, 10000, 0x5eed, &st);
    if (!strcmp(o.codes, "hybrid")) {
        if (hybrid_refine(&m, &st, im.x, n, codes, &o)) rc = -1;
        else enc_decode(&m, codes, im.x, n, rec, l1, l2, pc);
    }
    for (int i = 0; i < n; i++) dn[i] = (float)inv_delta_norm(codes + (size_t)i * cn, L, D);
    if (!rc && inv_write_latent_table(o.outdir, n, L, D, codes, im.file, im.label, is_val)) rc = -1;
    snprintf(p, sizeof p, "%s/recon/errors.csv", o.outdir);
    if (!rc && write_errors_with_generated(p, &m, &ef, &im, is_val, l1, l2, pc, dn, o.generated)) rc = -1;
    snprintf(p, sizeof p, "%s/recon/grid.png", o.outdir);
    if (!rc && inv_write_pair_grid(p, im.x, rec, n < o.grid ? n : o.grid, C, R, 4)) rc = -1;
    if (!rc && !o.quiet) {
        printf("%s: codes.npy [%d,%d,%d], table.csv (%s split), recon/errors.csv, recon/grid.png (%s codes)\n", o.outdir, n, L, D,
               from_csv ? "dataset.csv's" : "stratified", o.codes);
        print_class_table(&im, is_val, l1, l2, pc, dn);
    }
    /* validation images: the hybrid comparison and the morphology check */
    int nv = 0, *vidx = mg_xmalloc(sizeof(int) * (n ? n : 1));
    for (int i = 0; i < n; i++) if (is_val[i]) vidx[nv++] = i;
    if (nv == 0) for (int i = 0; i < n; i++) vidx[nv++] = i;           /* no validation split: all images */
    float *vx = mg_xmalloc((size_t)nv * in * sizeof(float)), *vrec = mg_xmalloc((size_t)nv * in * sizeof(float));
    for (int i = 0; i < nv; i++) {
        memcpy(vx + (size_t)i * in, im.x + (size_t)vidx[i] * in, in * sizeof(float));
        memcpy(vrec + (size_t)i * in, rec + (size_t)vidx[i] * in, in * sizeof(float));
    }
    if (!rc && o.hybrid_steps > 0 && strcmp(o.codes, "hybrid")) {
        /* the images refined: the first --hybrid-max validation images, or up to --hybrid-table of each class;
         * hsel[i] = row of vx / vidx */
        int nh = 0, *hsel = mg_xmalloc(sizeof(int) * (nv ? nv : 1));
        for (int i = 0; i < nv; i++) {
            if (o.hybrid_table <= 0) { if (nh < o.hybrid_max) hsel[nh++] = i; continue; }
            int same = 0;
            for (int j = 0; j < nh; j++) same += !strcmp(im.label[vidx[hsel[j]]], im.label[vidx[i]]);
            if (same < o.hybrid_table) hsel[nh++] = i;
        }
        float *hx = mg_xmalloc((size_t)(nh ? nh : 1) * in * sizeof(float));
        for (int i = 0; i < nh; i++) memcpy(hx + (size_t)i * in, vx + (size_t)hsel[i] * in, in * sizeof(float));
        float *hc = mg_xmalloc((size_t)(nh ? nh : 1) * cn * sizeof(float)), *hrec = mg_xmalloc((size_t)(nh ? nh : 1) * in * sizeof(float));
        float *hl1 = mg_xmalloc(sizeof(float) * (nh ? nh : 1)), *hl2 = mg_xmalloc(sizeof(float) * (nh ? nh : 1));
        float *hpc = mg_xmalloc(sizeof(float) * (nh ? nh : 1));
        for (int i = 0; i < nh; i++) memcpy(hc + (size_t)i * cn, codes + (size_t)vidx[hsel[i]] * cn, cn * sizeof(float));
        const double th = now_s();
        int *hidx = mg_xmalloc(sizeof(int) * (nh ? nh : 1));            /* rows of im */
        for (int i = 0; i < nh; i++) hidx[i] = vidx[hsel[i]];
        if (hybrid_refine(&m, &st, hx, nh, hc, &o)) rc = -1;
        else {
            enc_decode(&m, hc, hx, nh, hrec, hl1, hl2, hpc);
            snprintf(p, sizeof p, "%s/recon/hybrid.csv", o.outdir);
            FILE *f = fopen(p, "w");
            int better = 0;
            if (f) fprintf(f, "file,label,l2_encoder,l2_hybrid,perceptual_encoder,perceptual_hybrid\n");
            for (int i = 0; i < nh; i++) {
                const int j = hidx[i];
                better += hl2[i] < l2[j];
                if (f) fprintf(f, "%s,%s,%.6g,%.6g,%.6g,%.6g\n", im.file[j], im.label[j], l2[j], hl2[i], pc[j], hpc[i]);
            }
            if (f) fclose(f);
            snprintf(p, sizeof p, "%s/recon/hybrid_grid.png", o.outdir);
            if (inv_write_pair_grid(p, hx, hrec, nh < o.grid ? nh : o.grid, C, R, 4)) rc = -1;
            printf("hybrid (%d steps, %d validation images, %.0f s): mean L2 %.5f -> %.5f, perceptual %.4f -> %.4f; "
                   "L2 lower for %d of %d images\n",
                   o.hybrid_steps, nh, now_s() - th, mean_of(l2, hidx, nh), mean_of(hl2, NULL, nh), mean_of(pc, hidx, nh),
                   mean_of(hpc, NULL, nh), better, nh);
            if (o.morpho) {
                MorphoPair *rows = mg_xmalloc(sizeof(MorphoPair) * (nh ? nh : 1));
                MorphoCheck mc;
                morpho_check(hx, hrec, nh, C, R, rows, &mc);
                print_morpho("hybrid", &mc);
                free(rows);
            }
            if (!rc && o.hybrid_table > 0) {        /* OUT/hybrid: alternate rows of each class train / val */
                char **hf = mg_xmalloc(sizeof(char *) * (nh ? nh : 1)), **hl = mg_xmalloc(sizeof(char *) * (nh ? nh : 1));
                int *hs = mg_xmalloc(sizeof(int) * (nh ? nh : 1));
                for (int i = 0; i < nh; i++) {
                    int before = 0;
                    for (int k = 0; k < i; k++) before += !strcmp(im.label[hidx[k]], im.label[hidx[i]]);
                    hf[i] = im.file[hidx[i]];
                    hl[i] = im.label[hidx[i]];
                    hs[i] = before % 2;
                }
                snprintf(p, sizeof p, "%s/hybrid", o.outdir);
                if (make_dir(p) || inv_write_latent_table(p, nh, L, D, hc, hf, hl, hs)) rc = -1;
                else if (!o.quiet) printf("%s: the hybrid codes of %d validation images (up to %d per class) as a latent table\n", p, nh,
                                          o.hybrid_table);
                free(hf); free(hl); free(hs);
            }
        }
        free(hx); free(hsel); free(hidx);
        free(hc); free(hrec); free(hl1); free(hl2); free(hpc);
    }
    if (!rc && o.morpho) {
        MorphoPair *rows = mg_xmalloc(sizeof(MorphoPair) * nv);
        MorphoCheck mc;
        morpho_check(vx, vrec, nv, C, R, rows, &mc);
        print_morpho(o.codes, &mc);
        snprintf(p, sizeof p, "%s/recon/morpho.csv", o.outdir);
        if (write_morpho_csv(p, &im, vidx, nv, rows)) rc = -1;
        free(rows);
        print_recon_fid(&im, vidx, nv, vx, vrec, C, R);
    }
    if (rc) fprintf(stderr, "morphogan encode: %s\n", mg_error_get());
    free(vx); free(vrec); free(vidx);
    w_stats_free(&st);
    free(codes); free(rec); free(l1); free(l2); free(pc); free(dn);
    free(is_val);
    inv_images_free(&im);
    if (o.vgg) lpips_free(&vgg);
    gan_model_free(&m);
    enc_file_free(&ef);
    return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ ablate-encoder */

int cmd_ablate_encoder(int argc, char **argv) {
    cmd_name = "ablate-encoder";
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: morphogan ablate-encoder --ckpt CKPT --data DIR --outdir DIR [--steps 300] [train-encoder's options]\n"
                   "Trains the six encoder configurations of the study briefly, each from the same start and seed:\n"
                   "  A W+ baseline (all offsets at once, no offset regularisation, no latent discriminator)\n"
                   "  B A + progressive offsets   C B + offset regularisation   D C + latent discriminator (full e4e)\n"
                   "  E D with L2 weight / 2, perceptual x 2    F D with L2 weight x 2, perceptual / 2\n"
                   "and prints L2, perceptual, d-reg (sum |offset|) and the adversarial loss on 64 training and 64\n"
                   "validation images: DIR/ablation.csv, DIR/A..F/encoder.safetensors and log.csv.\n");
            return 0;
        }
    TrainEncCli o;
    int steps_set = 0;
    for (int i = 1; i < argc; i++) steps_set |= !strcmp(argv[i], "--steps");
    int r = train_parse(argc, argv, &o);
    if (r) return r > 0 ? 0 : 2;
    if (!steps_set) o.t.steps = 300;
    if (!o.data) return bad("the ablation needs real images: add --data DIR"), 2;
    if (o.resume) return bad("--resume does not apply to the ablation"), 2;
    GanModel m;
    if (inv_load_generator(o.ckpt, 1, &m)) { fprintf(stderr, "morphogan ablate-encoder: %s\n", mg_error_get()); return 1; }
    Sg2 *g = gan_stylegan2_net(&m);
    const int C = g->s.channels, R = g->s.resolution, L = g->num_ws;
    if (!o.prog_set) o.t.progressive_every = o.t.steps / (2 * (L - 1)) > 0 ? o.t.steps / (2 * (L - 1)) : 1;
    InvImages im;
    int *is_val = NULL, from_csv, rc = 0;
    if (inv_load_images(o.data, C, R, &im)) rc = 1;
    else {
        is_val = mg_xmalloc(sizeof(int) * im.n);
        if (inv_split(&im, o.data, o.split, o.split_seed, is_val, &from_csv) || make_dir(o.outdir)) rc = 1;
    }
    if (rc) {
        fprintf(stderr, "morphogan ablate-encoder: %s\n", mg_error_get());
        inv_images_free(&im);
        free(is_val);
        gan_model_free(&m);
        return 1;
    }
    const size_t in = (size_t)C * R * R;
    int n_train = 0;
    float *train = mg_xmalloc((size_t)im.n * in * sizeof(float));
    for (int i = 0; i < im.n; i++)
        if (!is_val[i]) memcpy(train + (size_t)n_train++ * in, im.x + (size_t)i * in, in * sizeof(float));
    /* 64 evaluation images of each fold, spread over the fold */
    int nev[2] = {0, 0};
    float *ev[2];
    for (int f = 0; f < 2; f++) {
        int *sel = mg_xmalloc(sizeof(int) * im.n), ns = 0;
        for (int i = 0; i < im.n; i++) if (is_val[i] == f) sel[ns++] = i;
        const int want = ns < 64 ? ns : 64, stride = ns > 64 ? ns / 64 : 1;
        ev[f] = mg_xmalloc((size_t)(want ? want : 1) * in * sizeof(float));
        for (int k = 0; k < want; k++) memcpy(ev[f] + (size_t)nev[f]++ * in, im.x + (size_t)sel[k * stride] * in, in * sizeof(float));
        free(sel);
    }
    WStats st;
    w_stats_compute(g, 10000, o.t.seed + 0x5eed, &st);
    AblationScore score[ABL_N][2];
    const char *what[ABL_N];
    char p[4200];
    const double t0 = now_s();
    for (int k = 0; k < ABL_N && !rc; k++) {
        EncTrainOpts c = ablation_config(&o.t, k, &what[k]);
        Rng init = rng_new(o.t.seed);
        Encoder e;
        LatentDisc ld = {0};
        encoder_init(&e, (EncSpec){R, C, g->s.w_dim, L, o.width, o.feat}, st.avg, &init);
        if (c.adv > 0) latent_disc_init(&ld, g->s.w_dim, 256, &init);
        EncTrainer t;
        if (enc_trainer_init(&t, &m, &e, ld.ps ? &ld : NULL, train, n_train, &c)) { rc = 1; break; }
        snprintf(p, sizeof p, "%s/%c", o.outdir, 'A' + k);
        if (make_dir(p)) { rc = 1; break; }
        snprintf(p, sizeof p, "%s/%c/log.csv", o.outdir, 'A' + k);
        FILE *log = fopen(p, "w");
        if (log) fprintf(log, "step,active,loss,l2,perceptual,delta_norm,adv,consistency,d_loss,r1\n");
        EncStepStats s = {0};
        while (t.step < c.steps) {
            s = enc_train_step(&t);
            if (log) fprintf(log, "%ld,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", t.step, s.active, s.loss, s.l2, s.perc, s.dreg, s.adv,
                             s.cons, s.d_loss, s.r1);
        }
        if (log) fclose(log);
        const int active = enc_active(&c, c.steps > 0 ? c.steps - 1 : 0, L);
        snprintf(p, sizeof p, "%s/%c/encoder.safetensors", o.outdir, 'A' + k);
        if (enc_save(p, &e, ld.ps ? &ld : NULL, o.ckpt, active, &t)) rc = 1;
        enc_trainer_free(&t);
        for (int f = 0; f < 2; f++) score[k][f] = ablation_score(&m, &e, ld.ps ? &ld : NULL, active, ev[f], nev[f]);
        if (!o.quiet)
            printf("%c (%s): %d steps, train L2 %.4f perceptual %.4f, val L2 %.4f perceptual %.4f (%.0f s so far)\n", 'A' + k, what[k],
                   c.steps, score[k][0].l2, score[k][0].perc, score[k][1].l2, score[k][1].perc, now_s() - t0);
        encoder_free(&e);
        latent_disc_free(&ld);
    }
    if (!rc) {
        snprintf(p, sizeof p, "%s/ablation.csv", o.outdir);
        FILE *f = fopen(p, "w");
        if (f) fprintf(f, "config,description,fold,l2,perceptual,d_reg,adversarial\n");
        printf("\nencoder ablation: %d steps each, batch %d, %d train / %d validation images scored\n", o.t.steps, o.t.batch, nev[0], nev[1]);
        printf("%-3s %-26s | %8s %10s %8s %8s | %8s %10s %8s %8s\n", "", "", "train L2", "perceptual", "d-reg", "adv", "val L2",
               "perceptual", "d-reg", "adv");
        for (int k = 0; k < ABL_N; k++) {
            printf("%-3c %-26s |", 'A' + k, what[k]);
            for (int fo = 0; fo < 2; fo++) {
                AblationScore *s = &score[k][fo];
                printf(" %8.4f %10.4f %8.3f ", s->l2, s->perc, s->dreg);
                if (isnan(s->adv)) printf("%8s %s", "-", fo ? "" : "|");
                else printf("%8.3f %s", s->adv, fo ? "" : "|");
                if (f) fprintf(f, "%c,%s,%s,%.6g,%.6g,%.6g,%.6g\n", 'A' + k, what[k], fo ? "val" : "train", s->l2, s->perc, s->dreg, s->adv);
            }
            printf("\n");
        }
        if (f && fclose(f)) rc = mg_error_set("%s: write failed", p);
    }
    if (rc) fprintf(stderr, "morphogan ablate-encoder: %s\n", mg_error_get());
    free(ev[0]);
    free(ev[1]);
    free(train);
    free(is_val);
    w_stats_free(&st);
    inv_images_free(&im);
    gan_model_free(&m);
    return rc ? 1 : 0;
}
