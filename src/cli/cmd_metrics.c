/* morphogan metrics: sample-quality metrics (FID, KID, precision/recall, Inception Score) between a real and
 * a fake image set, in a feature space (analysis/feature_space.h: the domain network, Inception-v3, morphometrics); and
 * `morphogan metrics train-features`, which trains that network on Fashion-MNIST. */
#include "analysis/course_generator.h"
#include "analysis/featnet_train.h"
#include "analysis/feature_space.h"
#include "analysis/image_set.h"
#include "analysis/metrics.h"
#include "analysis/ppl.h"
#include "analysis/stats_file.h"
#include "cli/commands.h"
#include "core/error.h"
#include "data/idx.h"
#include "morpho/segment.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FM "/usr/share/datasets/fashion-mnist/"

int cmd_metrics_classes(int argc, char **argv);

static int fail(void) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return 1; }

static int parse_long(const char *cmd, const char *opt, const char *v, long lo, long hi, long *out) {
    char *end = NULL;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || errno || *end || x < lo || x > hi) {
        fprintf(stderr, "morphogan %s: %s needs a whole number from %ld to %ld\n", cmd, opt, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

/* ---------------- train-features ---------------- */

static void train_usage(FILE *f) {
    fprintf(f,
            "usage: morphogan metrics train-features [options]\n"
            "Train the domain feature network (conv 16 s2, conv 32 s2, linear 128 = features, linear 10) with softmax\n"
            "cross-entropy and Adam; prints and stores its test accuracy.\n"
            "  --data PATH --labels PATH            training IDX files (default Fashion-MNIST train)\n"
            "  --test-data PATH --test-labels PATH  test IDX files (default Fashion-MNIST t10k)\n"
            "  --out FILE        weights, safetensors (default featnet.safetensors)\n"
            "  --epochs N        (default 2)   --batch N (default 128)   --seed N (default 0)\n"
            "  --lr X            Adam learning rate (default 0.001)\n"
            "  --lr-schedule S   constant (default) or cosine (lr (1 + cos(pi t/T)) / 2, down to 0 at the last step)\n"
            "  --flip 0|1        mirror each drawn training image left-right with probability 1/2 (default 0)\n"
            "  --max-images N    use only the first N training images\n"
            "  --max-test N      use only the first N test images\n"
            "  --threads N       CPU threads\n");
}

static int cmd_train_features(int argc, char **argv) {
    const char *data = FM "train-images-idx3-ubyte.gz", *labels = FM "train-labels-idx1-ubyte.gz";
    const char *tdata = FM "t10k-images-idx3-ubyte.gz", *tlabels = FM "t10k-labels-idx1-ubyte.gz";
    const char *out = "featnet.safetensors";
    FeatTrainOptions o = {.epochs = 2, .batch = 128, .lr = 1e-3f};
    long max = 0, max_test = 0, x;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { train_usage(stdout); return 0; }
        else if (!strcmp(a, "--data") && v) data = v;
        else if (!strcmp(a, "--labels") && v) labels = v;
        else if (!strcmp(a, "--test-data") && v) tdata = v;
        else if (!strcmp(a, "--test-labels") && v) tlabels = v;
        else if (!strcmp(a, "--out") && v) out = v;
        else if (!strcmp(a, "--epochs")) { if (parse_long("metrics train-features", a, v, 1, 1000, &x)) return 2; o.epochs = (int)x; }
        else if (!strcmp(a, "--batch")) { if (parse_long("metrics train-features", a, v, 1, 65536, &x)) return 2; o.batch = (int)x; }
        else if (!strcmp(a, "--seed")) { if (parse_long("metrics train-features", a, v, 0, 2147483647L, &x)) return 2; o.seed = (uint64_t)x; }
        else if (!strcmp(a, "--max-images")) { if (parse_long("metrics train-features", a, v, 1, 1L << 30, &max)) return 2; }
        else if (!strcmp(a, "--flip")) { if (parse_long("metrics train-features", a, v, 0, 1, &x)) return 2; o.flip = (int)x; }
        else if (!strcmp(a, "--lr-schedule") && v) {
            if (!strcmp(v, "cosine")) o.cosine = 1;
            else if (!strcmp(v, "constant")) o.cosine = 0;
            else { fprintf(stderr, "morphogan metrics train-features: --lr-schedule is constant or cosine, e.g. --lr-schedule cosine\n"); return 2; }
        }
        else if (!strcmp(a, "--max-test")) { if (parse_long("metrics train-features", a, v, 1, 1L << 30, &max_test)) return 2; }
        else if (!strcmp(a, "--lr") && v) {
            char *end;
            o.lr = strtof(v, &end);
            if (*end || !(o.lr > 0 && o.lr < 1)) { fprintf(stderr, "morphogan metrics train-features: --lr needs a number in (0,1)\n"); return 2; }
        } else {
            fprintf(stderr, "morphogan metrics train-features: unknown option '%s' (or missing value); see --help\n", a);
            return 2;
        }
        i++;
    }
    IdxImages tr, te;
    int *ytr, *yte;
    if (idx_load_pair(data, labels, (int)max, &tr, &ytr)) return fail();
    if (idx_load_pair(tdata, tlabels, (int)max_test, &te, &yte)) { idx_images_free(&tr); free(ytr); return fail(); }
    int rc = 0;
    if (tr.h != 28 || tr.w != 28 || te.h != 28 || te.w != 28 || tr.n < o.batch) {
        mg_error_set("%s: need at least %d training images of 28x28 (and 28x28 test images)", data, o.batch);
        rc = 1;
    }
    for (int i = 0; !rc && i < tr.n + te.n; i++) {
        int l = i < tr.n ? ytr[i] : yte[i - tr.n];
        if (l < 0 || l >= FEATNET_CLASSES) { mg_error_set("%s: label %d outside 0..9", i < tr.n ? labels : tlabels, l); rc = 1; }
    }
    if (rc) { idx_images_free(&tr); idx_images_free(&te); free(ytr); free(yte); return fail(); }
    printf("training the feature network on %d images of %s, %d epochs, batch %d\n", tr.n, data, o.epochs, o.batch);
    FeatNet f;
    featnet_train(&f, tr.data, ytr, tr.n, o, stdout);
    double acc = featnet_accuracy(&f, te.data, yte, te.n);
    char accs[32];
    snprintf(accs, sizeof accs, "%.4f", acc);
    printf("test accuracy %s (%d images of %s)\n", accs, te.n, tdata);
    if (featnet_save(&f, out, accs)) rc = fail();
    else printf("wrote %s\n", out);
    featnet_free(&f);
    idx_images_free(&tr); idx_images_free(&te); free(ytr); free(yte);
    return rc;
}

/* ---------------- ppl ---------------- */

static void ppl_usage(FILE *f) {
    fprintf(f,
            "usage: morphogan metrics ppl --checkpoint FILE [--net FILE] [options]\n"
            "Perceptual path length of a train-course generator: mean of |E(G(i(t))) - E(G(i(t+eps)))|^2 / eps^2 over\n"
            "random code pairs and t, samples outside the 1st-99th percentiles dropped (StyleGAN's rule).\n"
            "E = the domain feature network (--net) or the pixels (no --net).\n"
            "  --samples N   (default 10000)   --batch N (default 100)   --seed N (default 0)\n"
            "  --eps X       (default 1e-4)    --lerp    linear instead of spherical interpolation\n"
            "  --threads N   CPU threads\n");
}

static void ppl_gen(void *ctx, const float *z, int n, float *out) { course_generator_run(ctx, z, n, out); }
static void ppl_embed(void *ctx, const float *x, int n, float *feat) { featnet_extract(ctx, x, n, 500, feat, NULL); }

static int cmd_ppl(int argc, char **argv) {
    const char *ckpt = NULL, *netp = NULL, *c = "metrics ppl";
    PplOptions o = ppl_default_options();
    long x;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { ppl_usage(stdout); return 0; }
        else if (!strcmp(a, "--checkpoint") && v) ckpt = v;
        else if (!strcmp(a, "--net") && v) netp = v;
        else if (!strcmp(a, "--lerp")) { o.lerp = 1; continue; }
        else if (!strcmp(a, "--samples")) { if (parse_long(c, a, v, 2, 10000000, &x)) return 2; o.n_samples = (int)x; }
        else if (!strcmp(a, "--batch")) { if (parse_long(c, a, v, 1, 10000, &x)) return 2; o.batch = (int)x; }
        else if (!strcmp(a, "--seed")) { if (parse_long(c, a, v, 0, 2147483647L, &x)) return 2; o.seed = (uint64_t)x; }
        else if (!strcmp(a, "--eps") && v) {
            char *end;
            o.eps = strtod(v, &end);
            if (*end || !(o.eps > 0 && o.eps < 0.5)) { fprintf(stderr, "morphogan metrics ppl: --eps needs a number in (0,0.5)\n"); return 2; }
        } else {
            fprintf(stderr, "morphogan metrics ppl: unknown option '%s' (or missing value); see --help\n", a);
            return 2;
        }
        i++;
    }
    if (!ckpt) { fprintf(stderr, "morphogan metrics ppl: --checkpoint is required; see --help\n"); return 2; }
    DcganG g;
    FeatNet net;
    if (course_generator_load(ckpt, &g)) return fail();
    if (netp && featnet_load(&net, netp)) { dcgan_g_free(&g); return fail(); }
    PplModel m = {.gen = ppl_gen, .gen_ctx = &g, .zdim = g.cfg.z_dim, .out_dim = 784,
                  .embed = netp ? ppl_embed : NULL, .embed_ctx = netp ? &net : NULL, .fdim = FEATNET_DIM};
    double p, plain;
    int rc = ppl_compute(&m, o, &p, &plain) ? fail() : 0;
    if (!rc)
        printf("ppl %.4f (mean without the 1%%/99%% filter %.4f; %d samples, %s, eps %g, %s space)\n", p, plain,
               o.n_samples, o.lerp ? "lerp" : "slerp", o.eps, netp ? "domain feature" : "pixel");
    if (netp) featnet_free(&net);
    dcgan_g_free(&g);
    return rc;
}

/* ---------------- metrics ---------------- */

typedef struct {
    const char *real, *fake, *net, *cache;
    long real_skip, real_max, fake_skip, fake_max, shuffle_seed;
    int fid, kid, pr, is, shuffle, pr_k, is_splits, features;
    KidOptions kid_opt;
} Opts;

static void usage(FILE *f) {
    fprintf(f,
            "usage: morphogan metrics --real SRC --fake SRC [--features domain|inception|morpho] [--net FILE] [options]\n"
            "       morphogan metrics train-features [options]      (see morphogan metrics train-features --help)\n"
            "       morphogan metrics ppl --checkpoint FILE [--net FILE] [options]   (perceptual path length; --help)\n"
            "       morphogan metrics classes --ckpt FILE --net FILE [--n 10000]   (mode-collapse check: class shares; --help)\n"
            "Sample-quality metrics between a real and a fake image set in a feature space.  SRC: an IDX file (.gz or\n"
            "plain), a folder of PNG/JPEG/TIFF images of one size, or for --real a statistics file (.safetensors)\n"
            "written by --real-cache.\n"
            "  --metric LIST        comma-separated from fid,kid,pr,is (default fid)\n"
            "  --features KIND      domain     the domain network's 128 features (28x28 images; --net from train-features)\n"
            "                       inception  Inception-v3's 2048 pool features (any size; --net from\n"
            "                                  tools/convert_inception.py; see docs/metrics.md)\n"
            "                       morpho     46 morphometric measures of each valve outline, z-scored by the real\n"
            "                                  set (no --net; images that cannot be measured are left out and counted)\n"
            "                       (default domain)\n"
            "  --net FILE           the network's weights (domain, inception)\n"
            "  --real-cache FILE    statistics of the real set: reused when FILE exists and matches the features and\n"
            "                       the real source, else computed and written there\n"
            "  --real-skip N --real-max N, --fake-skip N --fake-max N   a range of images (default all)\n"
            "  --fake-shuffle-pixels SEED   permute the pixel positions of every fake image (a control set)\n"
            "  --kid-subset-size N (1000) --kid-subsets N (100) --seed N (0)   KID subsets\n"
            "  --pr-k N             neighbours of the precision/recall manifolds (3)\n"
            "  --is-splits N        Inception Score splits (10)\n"
            "  --threads N          CPU threads\n");
}

static int parse(int argc, char **argv, Opts *o) {
    *o = (Opts){.fid = 1, .pr_k = 3, .is_splits = 10, .kid_opt = kid_default_options()};
    const char *c = "metrics";
    long x;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); exit(0); }
        else if (!strcmp(a, "--real") && v) o->real = v;
        else if (!strcmp(a, "--fake") && v) o->fake = v;
        else if (!strcmp(a, "--net") && v) o->net = v;
        else if (!strcmp(a, "--real-cache") && v) o->cache = v;
        else if (!strcmp(a, "--features") && v) {
            o->features = -1;
            for (int k = 0; feature_kind_names[k]; k++)
                if (!strcmp(v, feature_kind_names[k])) o->features = k;
            if (o->features < 0) { fprintf(stderr, "morphogan metrics: --features is domain, inception or morpho, not '%s'\n", v); return -1; }
        } else if (!strcmp(a, "--metric") && v) {
            o->fid = o->kid = o->pr = o->is = 0;
            char buf[256];
            snprintf(buf, sizeof buf, "%s", v);
            for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
                if (!strcmp(t, "fid")) o->fid = 1;
                else if (!strcmp(t, "kid")) o->kid = 1;
                else if (!strcmp(t, "pr")) o->pr = 1;
                else if (!strcmp(t, "is")) o->is = 1;
                else { fprintf(stderr, "morphogan metrics: unknown metric '%s' (fid, kid, pr, is)\n", t); return -1; }
            }
            if (!(o->fid || o->kid || o->pr || o->is)) { fprintf(stderr, "morphogan metrics: --metric lists nothing\n"); return -1; }
        }
        else if (!strcmp(a, "--real-skip")) { if (parse_long(c, a, v, 0, 1L << 30, &o->real_skip)) return -1; }
        else if (!strcmp(a, "--real-max")) { if (parse_long(c, a, v, 2, 1L << 30, &o->real_max)) return -1; }
        else if (!strcmp(a, "--fake-skip")) { if (parse_long(c, a, v, 0, 1L << 30, &o->fake_skip)) return -1; }
        else if (!strcmp(a, "--fake-max")) { if (parse_long(c, a, v, 2, 1L << 30, &o->fake_max)) return -1; }
        else if (!strcmp(a, "--fake-shuffle-pixels")) { if (parse_long(c, a, v, 0, 2147483647L, &o->shuffle_seed)) return -1; o->shuffle = 1; }
        else if (!strcmp(a, "--kid-subset-size")) { if (parse_long(c, a, v, 2, 1L << 20, &x)) return -1; o->kid_opt.subset_size = (int)x; }
        else if (!strcmp(a, "--kid-subsets")) { if (parse_long(c, a, v, 1, 100000, &x)) return -1; o->kid_opt.n_subsets = (int)x; }
        else if (!strcmp(a, "--seed")) { if (parse_long(c, a, v, 0, 2147483647L, &x)) return -1; o->kid_opt.seed = (uint64_t)x; }
        else if (!strcmp(a, "--pr-k")) { if (parse_long(c, a, v, 1, 63, &x)) return -1; o->pr_k = (int)x; }
        else if (!strcmp(a, "--is-splits")) { if (parse_long(c, a, v, 1, 1000, &x)) return -1; o->is_splits = (int)x; }
        else {
            fprintf(stderr, "morphogan metrics: unknown option '%s' (or missing value); see morphogan metrics --help\n", a);
            return -1;
        }
        i++;
    }
    if (!o->real || !o->fake || (!o->net && o->features != FEATURES_MORPHO)) {
        fprintf(stderr, "morphogan metrics: --real, --fake and --net (except with --features morpho) are required; see "
                        "morphogan metrics --help\n");
        return -1;
    }
    if (o->is && o->features == FEATURES_MORPHO) {
        fprintf(stderr, "morphogan metrics: --metric is needs class probabilities: --features domain or inception, not morpho\n");
        return -1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* one line on the images whose morphometrics failed: how many, why, the first one */
static void report_unmeasured(const char *which, const ImageSet *s, const int *flags, long n_ok) {
    if (n_ok == s->n) return;
    long count[SEG_N_FLAGS] = {0}, first = -1;
    for (long i = 0; i < s->n; i++)
        if (flags[i]) { count[flags[i]]++; if (first < 0) first = i; }
    printf("%s: %ld of %ld images not measured (", which, s->n - n_ok, s->n);
    for (int k = 1, sep = 0; k < SEG_N_FLAGS; k++)
        if (count[k]) { printf("%s%s %ld", sep++ ? ", " : "", seg_flag_name(k), count[k]); }
    printf("), left out; first: %s (%s)\n", image_set_name(s, first), seg_flag_name(flags[first]));
}

/* Features [n,dim] of an image source, and logits [n,K] when wanted */
static int source_features(FeatureSpace *fs, const char *which, const char *path, long skip, long max, int shuffle, long seed,
                           float **feat, float **logits, long *n) {
    ImageSet s;
    if (image_set_load(path, skip, max, &s)) return -1;
    if (shuffle) image_set_shuffle_pixels(&s, (uint64_t)seed);
    int *flags = mg_xmalloc((size_t)s.n * sizeof(int));
    int rc = feature_space_extract(fs, &s, feat, logits, n, flags);
    if (!rc && fs->kind == FEATURES_MORPHO) report_unmeasured(which, &s, flags, *n);
    if (!rc && *n < 2)
        rc = mg_error_set("%s: %ld image(s) with features; the metrics need at least 2", path, *n);
    free(flags);
    image_set_free(&s);
    return rc;
}

/* Real features: from a statistics file, from the cache, or computed (and cached). */
static int real_features(FeatureSpace *fs, const Opts *o, RealStats *rs) {
    char source[1024];
    const char *base = strrchr(o->real, '/') ? strrchr(o->real, '/') + 1 : o->real;
    snprintf(source, sizeof source, "%s skip %ld max %ld", base, o->real_skip, o->real_max);
    const char *file = ends_with(o->real, ".safetensors") ? o->real : NULL, *fp = fs->fingerprint;
    struct stat st;
    if (!file && o->cache && !stat(o->cache, &st)) {
        if (stats_file_read(o->cache, rs)) return -1;
        if (!strcmp(rs->net, fp) && !strcmp(rs->source, source) && rs->d == fs->dim) {
            printf("real statistics: reused %s (%ld images)\n", o->cache, rs->n);
            return 0;
        }
        printf("real statistics: %s is for another network or source, recomputing\n", o->cache);
        real_stats_free(rs);
    }
    if (file) {
        if (stats_file_read(file, rs)) return -1;
        if (strcmp(rs->net, fp))
            return mg_error_set("%s: statistics of another feature network (%s; the %s is %s)", file, rs->net, fs->label, fp);
        if (rs->d != fs->dim) return mg_error_set("%s: %d features, the %s gives %d", file, rs->d, fs->label, fs->dim);
        printf("real statistics: %s (%ld images of %s)\n", file, rs->n, rs->source);
        return 0;
    }
    memset(rs, 0, sizeof *rs);
    if (source_features(fs, "real", o->real, o->real_skip, o->real_max, 0, 0, &rs->features, NULL, &rs->n)) return -1;
    rs->d = fs->dim;
    memcpy(rs->net, fp, 17);
    rs->source = strdup(source);
    if (o->cache) {
        if (stats_file_write(o->cache, rs->features, rs->n, rs->d, fp, source)) return -1;
        printf("real statistics: wrote %s (%ld images)\n", o->cache, rs->n);
    }
    return 0;
}

int cmd_metrics(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "train-features")) return cmd_train_features(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "ppl")) return cmd_ppl(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "classes")) return cmd_metrics_classes(argc - 1, argv + 1);   /* cmd_metrics_classes.c */
    Opts o;
    if (parse(argc, argv, &o)) return 2;
    FeatureSpace fs;
    if (feature_space_open(&fs, o.features, o.net)) return fail();
    RealStats rs = {0};
    float *ff = NULL, *fl = NULL, *rf = NULL;
    long m = 0;
    int rc = 0;
    const int d = fs.dim;
    if (real_features(&fs, &o, &rs)) { real_stats_free(&rs); feature_space_close(&fs); return fail(); }
    if (source_features(&fs, "fake", o.fake, o.fake_skip, o.fake_max, o.shuffle, o.shuffle_seed, &ff, o.is ? &fl : NULL, &m)) {
        rc = fail();
        goto done;
    }
    printf("real %ld images, fake %ld images%s, %d features (%s)\n", rs.n, m, o.shuffle ? " (pixels shuffled)" : "", d, fs.label);
    rf = rs.features;
    if (fs.kind == FEATURES_MORPHO) {      /* z-scores by the real set: a copy of it, the fake set in place */
        rf = mg_xmalloc((size_t)rs.n * d * sizeof(float));
        memcpy(rf, rs.features, (size_t)rs.n * d * sizeof(float));
        feature_standardise(rs.features, rs.n, ff, m, d);
        feature_standardise(rs.features, rs.n, rf, rs.n, d);
    }
    double a, b;
    if (o.fid) {
        if (fid_features(rf, rs.n, ff, m, d, &a)) { rc = fail(); goto done; }
        printf("fid %.4f\n", a);
    }
    if (o.kid) {
        if (kid_features(rf, rs.n, ff, m, d, o.kid_opt, &a, &b)) { rc = fail(); goto done; }
        printf("kid %.6f +- %.6f (%d subsets of %d)\n", a, b, o.kid_opt.n_subsets, o.kid_opt.subset_size);
    }
    if (o.pr) {
        if (precision_recall(rf, rs.n, ff, m, d, o.pr_k, &a, &b)) { rc = fail(); goto done; }
        printf("precision %.4f\nrecall %.4f\n", a, b);
    }
    if (o.is) {
        if (inception_score(fl, m, fs.n_classes, o.is_splits, 1, &a, &b)) { rc = fail(); goto done; }
        printf("is %.4f +- %.4f (%d splits, %s)\n", a, b, o.is_splits, fs.label);
    }
done:
    if (rf && rf != rs.features) free(rf);
    free(ff);
    free(fl);
    real_stats_free(&rs);
    feature_space_close(&fs);
    return rc;
}
