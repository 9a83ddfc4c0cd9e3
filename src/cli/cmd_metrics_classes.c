/* morphogan metrics classes: the training issue's mode-collapse check.  The domain classifier (a feature
 * network from `metrics train-features`, its test accuracy re-measured here) labels N generated images of a
 * `morphogan train` checkpoint (seeds FIRST .. FIRST+N-1, as `generate --n N --seed FIRST` draws them), or the
 * images of an IDX file / PNG folder; it prints the share of each class and PASS when every class has at
 * least --min-share of them and the classifier reaches --min-accuracy, else FAIL (exit status 3). */
#include "analysis/class_shares.h"
#include "analysis/featnet_train.h"
#include "analysis/image_set.h"
#include "core/error.h"
#include "data/idx.h"
#include "io/safetensors.h"
#include "train/model_build.h"
#include "train/samples.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FM "/usr/share/datasets/fashion-mnist/"
#define CMD "morphogan metrics classes"

int cmd_metrics_classes(int argc, char **argv);

static const char *const fm_names[FEATNET_CLASSES] = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

typedef struct {
    const char *ckpt, *images, *net, *tdata, *tlabels;
    long n, first, max_test;
    double min_share, min_acc, psi;
    int no_ema;
} ClassOpts;

static void usage(void) {
    printf("usage: " CMD " --ckpt RUN/checkpoint.safetensors --net FILE [--n 10000] [--seed FIRST] [--trunc PSI] [--no-ema]\n"
           "       " CMD " --images IDX|DIR --net FILE [--n N]\n"
           "The mode-collapse check: the domain classifier (metrics train-features) labels N generated images (the\n"
           "seeds FIRST .. FIRST+N-1, as generate --n N --seed FIRST; G's EMA when the run kept one) or the first N\n"
           "images of an IDX file / folder of 28x28 PNGs.  Prints the classifier's test accuracy (measured again),\n"
           "the share of each class, and PASS when every class has at least --min-share of the images and the\n"
           "classifier reaches --min-accuracy; otherwise FAIL and exit status 3.  Images that are not 28x28 grey are\n"
           "converted (RGB -> luminance, resized).\n"
           "  --n N              images (default 10000)          --seed FIRST    first seed (default 0)\n"
           "  --trunc PSI        truncation z <- PSI z (default 1)   --no-ema    G's own weights\n"
           "  --min-share X      (default 0.04)                  --min-accuracy X  (default 0.90)\n"
           "  --test-data PATH --test-labels PATH   the classifier's test set (default Fashion-MNIST t10k)\n"
           "  --max-test N       only the first N test images\n"
           "  --threads N        CPU threads\n");
}

static int num(const char *opt, const char *v, double lo, double hi, double *out, int whole) {
    char *end;
    errno = 0;
    double x = v ? strtod(v, &end) : 0;
    if (!v || errno || *end || !*v || !(x >= lo && x <= hi) || (whole && x != (double)(long)x)) {
        fprintf(stderr, CMD ": %s needs a %s from %g to %g, e.g. %s %s\n", opt, whole ? "whole number" : "number", lo, hi,
                opt, whole ? "1000" : "0.04");
        return -1;
    }
    *out = x;
    return 0;
}

/* 0 ok, 1 help printed, -1 error printed */
static int parse(int argc, char **argv, ClassOpts *o) {
    *o = (ClassOpts){.n = 10000, .min_share = 0.04, .min_acc = 0.90, .psi = 1, .tdata = FM "t10k-images-idx3-ubyte.gz",
                     .tlabels = FM "t10k-labels-idx1-ubyte.gz"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); return 1; }
        if (!strcmp(a, "--no-ema")) { o->no_ema = 1; continue; }
        if (!v) { fprintf(stderr, CMD ": %s needs a value; see " CMD " --help\n", a); return -1; }
        i++;
        if (!strcmp(a, "--ckpt")) o->ckpt = v;
        else if (!strcmp(a, "--images")) o->images = v;
        else if (!strcmp(a, "--net")) o->net = v;
        else if (!strcmp(a, "--test-data")) o->tdata = v;
        else if (!strcmp(a, "--test-labels")) o->tlabels = v;
        else if (!strcmp(a, "--n")) { if (num(a, v, 1, 1000000, &x, 1)) return -1; o->n = (long)x; }
        else if (!strcmp(a, "--seed")) { if (num(a, v, 0, 2147483647.0, &x, 1)) return -1; o->first = (long)x; }
        else if (!strcmp(a, "--max-test")) { if (num(a, v, 1, 1e9, &x, 1)) return -1; o->max_test = (long)x; }
        else if (!strcmp(a, "--trunc")) { if (num(a, v, 0, 2, &o->psi, 0)) return -1; }
        else if (!strcmp(a, "--min-share")) { if (num(a, v, 0, 1, &o->min_share, 0)) return -1; }
        else if (!strcmp(a, "--min-accuracy")) { if (num(a, v, 0, 1, &o->min_acc, 0)) return -1; }
        else { fprintf(stderr, CMD ": unknown option '%s'; see " CMD " --help\n", a); return -1; }
    }
    if (!o->net) { fprintf(stderr, CMD ": which classifier? add --net featnet.safetensors (from morphogan metrics train-features)\n"); return -1; }
    if (!o->ckpt == !o->images) { fprintf(stderr, CMD ": give either --ckpt RUN/checkpoint.safetensors or --images IDX|DIR\n"); return -1; }
    if (o->first + o->n - 1 > 2147483647L) { fprintf(stderr, CMD ": --seed + --n goes past seed 2147483647\n"); return -1; }
    return 0;
}

/* The classifier's accuracy on the test set (measured again) and as stored in its file. */
static int classifier_accuracy(FeatNet *net, const ClassOpts *o, double *acc, char stored[32], int *n_test) {
    StFile sf;
    if (st_open(o->net, &sf)) return -1;
    const char *s = st_meta(&sf, "test_accuracy");
    snprintf(stored, 32, "%s", s ? s : "not stored");
    st_close(&sf);
    IdxImages te;
    int *y;
    if (idx_load_pair(o->tdata, o->tlabels, (int)o->max_test, &te, &y)) return -1;
    int rc = 0;
    if (te.h != 28 || te.w != 28) rc = mg_error_set("%s: test images are %dx%d, the classifier needs 28x28", o->tdata, te.h, te.w);
    for (int i = 0; !rc && i < te.n; i++)
        if (y[i] < 0 || y[i] >= FEATNET_CLASSES) rc = mg_error_set("%s: label %d outside 0..9", o->tlabels, y[i]);
    if (!rc) {
        *acc = featnet_accuracy(net, te.data, y, te.n);
        *n_test = te.n;
    }
    idx_images_free(&te);
    free(y);
    return rc;
}

/* [n,1,28,28] images to classify: generated from the checkpoint, or read */
static int images_to_check(const ClassOpts *o, float **out, long *n, char *what, size_t cap) {
    if (o->images) {
        ImageSet s;
        if (image_set_load(o->images, 0, o->n, &s)) return -1;
        *out = s.data;                                  /* the caller owns the pixels; the names are freed */
        s.data = NULL;
        *n = s.n;
        snprintf(what, cap, "the first %ld images of %s", s.n, o->images);
        image_set_free(&s);
        return 0;
    }
    TrainConfig c;
    GanModel m;
    Ema ema;
    if (train_load_model(o->ckpt, &c, &m, &ema)) return -1;
    enum { CHUNK = 1000 };                                              /* bounded memory for any model size */
    const size_t dim = (size_t)m.channels * m.size * m.size;
    long *seeds = mg_xmalloc((size_t)CHUNK * sizeof(long));
    float *x = mg_xmalloc((size_t)CHUNK * dim * sizeof(float));          /* [CHUNK,C,S,S] */
    const int use_ema = ema.shadow && !o->no_ema;
    *out = mg_xmalloc((size_t)o->n * 784 * sizeof(float));
    int rc = 0;
    for (long i0 = 0; i0 < o->n && !rc; i0 += CHUNK) {
        const long b = o->n - i0 < CHUNK ? o->n - i0 : CHUNK;
        for (long k = 0; k < b; k++) seeds[k] = o->first + i0 + k;
        samples_render_seeds(&m, seeds, b, (float)o->psi, -1, use_ema ? ema.shadow : NULL, x);
        rc = class_shares_to_28(x, b, m.channels, m.size, *out + (size_t)i0 * 784);
    }
    snprintf(what, cap, "%ld generated images (seeds %ld..%ld, %s, psi %g%s) of %s", o->n, o->first, o->first + o->n - 1,
             use_ema ? "G's EMA" : "G", o->psi, m.n_classes ? ", class = seed mod classes" : "", o->ckpt);
    if (rc) { free(*out); *out = NULL; }
    *n = o->n;
    free(x);
    free(seeds);
    if (ema.shadow) ema_free(&ema);
    gan_model_free(&m);
    return rc;
}

int cmd_metrics_classes(int argc, char **argv) {
    ClassOpts o;
    int r = parse(argc, argv, &o);
    if (r) return r > 0 ? 0 : 2;
    FeatNet net;
    if (featnet_load(&net, o.net)) { fprintf(stderr, "morphogan: %s\n", mg_error_get()); return 1; }
    double acc = 0;
    char stored[32], what[4600];
    int n_test = 0;
    float *img = NULL;
    long n = 0;
    if (classifier_accuracy(&net, &o, &acc, stored, &n_test) || images_to_check(&o, &img, &n, what, sizeof what)) {
        fprintf(stderr, "morphogan: %s\n", mg_error_get());
        featnet_free(&net);
        return 1;
    }
    long count[FEATNET_CLASSES];
    class_shares_count(&net, img, n, count);
    int smallest;
    const int shares_ok = class_shares_pass(count, FEATNET_CLASSES, n, o.min_share, &smallest);
    const int acc_ok = acc >= o.min_acc;
    printf("classifier %s: test accuracy %.4f on %d images of %s (stored in the file: %s); required >= %.2f: %s\n", o.net,
           acc, n_test, o.tdata, stored, o.min_acc, acc_ok ? "yes" : "NO");
    printf("labelled: %s\n", what);
    printf("class  %-12s %7s %8s\n", "(F-MNIST)", "images", "share");
    for (int k = 0; k < FEATNET_CLASSES; k++)
        printf("%5d  %-12s %7ld %7.2f%%%s\n", k, fm_names[k], count[k], 100.0 * count[k] / n,
               count[k] < o.min_share * n ? "  < minimum" : "");
    printf("smallest class: %d (%s) %.2f%%\n", smallest, fm_names[smallest], 100.0 * count[smallest] / n);
    const int pass = shares_ok && acc_ok;
    printf("mode-collapse check (every one of the %d classes >= %.1f%% of %ld images, classifier >= %.0f%%): %s\n",
           FEATNET_CLASSES, 100 * o.min_share, n, 100 * o.min_acc, pass ? "PASS" : "FAIL");
    free(img);
    featnet_free(&net);
    return pass ? 0 : 3;
}
