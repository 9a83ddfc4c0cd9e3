/* Differentiable augmentation (train/diffaug.c): each transform on a tiny hand-checked image, the
 * geometric conventions against data/augment.c, inverses, untouched samples, the draws (fixed
 * words per sample, their distributions), reproducibility, gradients (first and second order),
 * an R1 penalty through the augmentation differentiated with respect to a small D's weights, and all
 * of it against PyTorch (fixtures/diffaug.safetensors, tools/make_diffaug_fixtures.py). */
#include "gradcheck.h"
#include "core/error.h"
#include "data/augment.h"
#include "io/safetensors.h"
#include "train/diffaug.h"
#include <omp.h>

#define H 1e-2
#define TOL 5e-3
#define TOL2 1.5e-2

static const DiffAugSample IDENTITY = {.saturation = 1, .contrast = 1};

static int same(const Tensor *a, const Tensor *b) {
    return tensor_same_shape(a, b) && !memcmp(a->data, b->data, tensor_numel(a) * sizeof(float));
}

static int equals(const Tensor *y, const float *want, double tol) {
    for (size_t i = 0; i < tensor_numel(y); i++)
        if (!(fabs(y->data[i] - want[i]) <= tol)) {
            fprintf(stderr, "  element %zu: %g, expected %g\n", i, y->data[i], want[i]);
            return 0;
        }
    return 1;
}

/* the 3x3 image 1..9 */
static Tensor *img9(void) { return tensor_from(TSHAPE(1, 1, 3, 3), (float[]){1, 2, 3, 4, 5, 6, 7, 8, 9}); }

static Tensor *apply1(Tensor *x, DiffAugSample s) { return diffaug_apply_samples(x, &s); }

TEST(geometric_by_hand) {
    Tensor *x = img9();
    DiffAugSample s = IDENTITY;
    s.xflip = 1;
    CHECK(equals(apply1(x, s), (float[]){3, 2, 1, 6, 5, 4, 9, 8, 7}, 0));
    s = IDENTITY;
    s.rot90 = 1;                       /* counter-clockwise, as numpy.rot90(a, 1) */
    CHECK(equals(apply1(x, s), (float[]){3, 6, 9, 2, 5, 8, 1, 4, 7}, 0));
    s.rot90 = 2;
    CHECK(equals(apply1(x, s), (float[]){9, 8, 7, 6, 5, 4, 3, 2, 1}, 0));
    s.rot90 = 3;
    CHECK(equals(apply1(x, s), (float[]){7, 4, 1, 8, 5, 2, 9, 6, 3}, 0));
    s = IDENTITY;
    s.dy = 1;                          /* down one row, left one column, zero fill */
    s.dx = -1;
    CHECK(equals(apply1(x, s), (float[]){0, 0, 0, 2, 3, 0, 5, 6, 0}, 0));
    s.dy = -3;                         /* shifted out entirely */
    CHECK(equals(apply1(x, s), (float[]){0, 0, 0, 0, 0, 0, 0, 0, 0}, 0));
    /* flip, then a quarter turn, then a shift right: flip -> 3 2 1/6 5 4/9 8 7, turn -> 1 4 7/2 5 8/3 6 9 */
    s = (DiffAugSample){.xflip = 1, .rot90 = 1, .dx = 1, .saturation = 1, .contrast = 1};
    CHECK(equals(apply1(x, s), (float[]){0, 1, 4, 0, 2, 5, 0, 3, 6}, 0));
    /* every channel moves the same way */
    Tensor *x2 = tensor_from(TSHAPE(1, 2, 1, 2), (float[]){1, 2, 3, 4});
    s = IDENTITY;
    s.xflip = 1;
    CHECK(equals(apply1(x2, s), (float[]){2, 1, 4, 3}, 0));
}

/* the same flip and rotation conventions as the dataset-time augmentation (data/augment.c) */
TEST(geometric_matches_data_augment) {
    int C = 2, S = 5;
    Tensor *x = gc_input(TSHAPE(1, C, S, S), 3, -1, 1);
    float a[50], b[50];
    for (int flip = 0; flip < 2; flip++)
        for (int k = 0; k < 4; k++) {
            if (flip) aug_flip_x(C, S, S, x->data, a);
            else memcpy(a, x->data, sizeof a);
            aug_rot90(C, S, k, a, b);
            DiffAugSample s = IDENTITY;
            s.xflip = flip;
            s.rot90 = k;
            CHECK_MSG(equals(apply1(x, s), b, 0), "flip %d, %d turns", flip, k);
        }
}

TEST(colour_by_hand) {
    Tensor *x = img9();
    DiffAugSample s = IDENTITY;
    s.brightness = 0.5f;
    CHECK(equals(apply1(x, s), (float[]){1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f, 9.5f}, 1e-6));
    s = IDENTITY;
    s.contrast = 2;                    /* mean 5: 5 + (x - 5) 2 */
    CHECK(equals(apply1(x, s), (float[]){-3, -1, 1, 3, 5, 7, 9, 11, 13}, 1e-5));
    s.saturation = 3;                  /* one channel: saturation does nothing */
    CHECK(equals(apply1(x, s), (float[]){-3, -1, 1, 3, 5, 7, 9, 11, 13}, 1e-5));
    /* RGB pixels (1,2,3) and (0,0,3), channel means 2 and 1; s = 0.5 halves the distance to them */
    Tensor *rgb = tensor_from(TSHAPE(1, 3, 1, 2), (float[]){1, 0, 2, 0, 3, 3});
    s = IDENTITY;
    s.saturation = 0.5f;
    CHECK(equals(apply1(rgb, s), (float[]){1.5f, 0.5f, 2, 0.5f, 2.5f, 2}, 1e-6));
    s.saturation = 0;                  /* grey */
    CHECK(equals(apply1(rgb, s), (float[]){2, 1, 2, 1, 2, 1}, 1e-6));
    /* cutout: rows [0,2), columns [1,3) */
    s = IDENTITY;
    s.cut_y0 = 0; s.cut_y1 = 2; s.cut_x0 = 1; s.cut_x1 = 3;
    CHECK(equals(apply1(x, s), (float[]){1, 0, 0, 4, 0, 0, 7, 8, 9}, 0));
    /* order: colour on the image, then the shift (the zero fill stays 0), then cutout */
    s = (DiffAugSample){.dy = 1, .brightness = 1, .saturation = 1, .contrast = 1, .cut_y0 = 2, .cut_y1 = 3,
                        .cut_x0 = 0, .cut_x1 = 1};
    CHECK(equals(apply1(x, s), (float[]){0, 0, 0, 2, 3, 4, 0, 6, 7}, 1e-6));
}

TEST(inverses_and_untouched_samples) {
    Tensor *x = gc_input(TSHAPE(3, 3, 6, 6), 5, -1, 1);
    DiffAugSample s[3] = {IDENTITY, IDENTITY, IDENTITY};
    for (int n = 0; n < 3; n++) s[n].xflip = 1;
    CHECK(same(diffaug_apply_samples(diffaug_apply_samples(x, s), s), x));   /* flip twice */
    for (int n = 0; n < 3; n++) s[n] = (DiffAugSample){.rot90 = n + 1, .saturation = 1, .contrast = 1};
    Tensor *y = x;
    for (int t = 0; t < 4; t++) y = diffaug_apply_samples(y, s);             /* four times any turn */
    CHECK(same(y, x));
    /* a quarter turn is undone by three; a flip and a turn together are a reflection: their own inverse */
    DiffAugSample fwd[3] = {IDENTITY, IDENTITY, IDENTITY}, back[3] = {IDENTITY, IDENTITY, IDENTITY};
    fwd[0].rot90 = 1; back[0].rot90 = 3;
    fwd[1].rot90 = 3; fwd[1].xflip = 1; back[1] = fwd[1];
    fwd[2].rot90 = 2; back[2].rot90 = 2;
    CHECK(same(diffaug_apply_samples(diffaug_apply_samples(x, fwd), back), x));
    CHECK(!same(diffaug_apply_samples(x, fwd), x));
    /* a mixed batch: samples with identity draws come out bitwise unchanged, the others change */
    DiffAugSample mixed[3] = {IDENTITY, IDENTITY, IDENTITY};
    mixed[1].contrast = 1.5f; mixed[1].brightness = 0.25f; mixed[1].saturation = 0.5f; mixed[1].dx = 1;
    mixed[1].cut_y0 = 0; mixed[1].cut_y1 = 2; mixed[1].cut_x0 = 0; mixed[1].cut_x1 = 2;
    Tensor *m = diffaug_apply_samples(x, mixed);
    CHECK(!memcmp(m->data, x->data, 108 * 4));
    CHECK(!memcmp(m->data + 216, x->data + 216, 108 * 4));
    CHECK(memcmp(m->data + 108, x->data + 108, 108 * 4) != 0);
    mg_step_reset();
}

TEST(p_zero_draws_nothing_and_counter_is_fixed) {
    Tensor *x = gc_input(TSHAPE(5, 3, 8, 8), 6, -1, 1);
    DiffAug a = diffaug_defaults();
    CHECK(diffaug_check(&a, 3, 8, 8) == 0);
    Rng r = rng_new(42);
    r.counter = 17;
    CHECK(diffaug_apply(&a, x, &r) == x && r.counter == 17);          /* p = 0 */
    a.p = 0.5f;
    a.ops = 0;
    CHECK(diffaug_apply(&a, x, &r) == x && r.counter == 17);          /* nothing enabled */
    unsigned sets[3] = {DA_XFLIP, DA_DEFAULT, DA_DEFAULT | DA_XFLIP | DA_ROT90};
    for (int k = 0; k < 3; k++) {
        a.ops = sets[k];
        r.counter = 17;
        Tensor *y = diffaug_apply(&a, x, &r);
        CHECK(y->ndim == 4 && tensor_same_shape(y, x));
        CHECK(r.counter == 17 + 5 * DA_WORDS_PER_SAMPLE);
    }
    mg_step_reset();
}

TEST(draws_are_fixed_words) {
    /* a transform's values do not depend on which others are enabled, nor on p (only the gate) */
    enum { N = 64 };
    DiffAugSample only[N], all[N], half[N];
    DiffAug a = diffaug_defaults();
    a.p = 1;
    a.ops = DA_BRIGHTNESS;
    Rng r = rng_new(7);
    diffaug_draw(&a, N, 16, 16, &r, only);
    a.ops = DA_DEFAULT | DA_XFLIP | DA_ROT90;
    r = rng_new(7);
    diffaug_draw(&a, N, 16, 16, &r, all);
    a.p = 0.5f;
    r = rng_new(7);
    diffaug_draw(&a, N, 16, 16, &r, half);
    int gated = 0;
    for (int n = 0; n < N; n++) {
        CHECK(only[n].brightness == all[n].brightness);
        CHECK(half[n].brightness == 0 || half[n].brightness == all[n].brightness);
        gated += half[n].brightness != 0;
    }
    CHECK(gated > 10 && gated < 54);
    /* sample n's words do not depend on N: the first 10 samples of a batch of 64 = a batch of 10 */
    DiffAugSample ten[10];
    r = rng_new(7);
    a.p = 1;
    diffaug_draw(&a, 10, 16, 16, &r, ten);
    CHECK(!memcmp(ten, all, sizeof ten));
}

static double mean_sd(const double *v, int n, double *sd) {
    double m = 0, s = 0;
    for (int i = 0; i < n; i++) m += v[i];
    m /= n;
    for (int i = 0; i < n; i++) s += (v[i] - m) * (v[i] - m);
    *sd = sqrt(s / (n - 1));
    return m;
}

/* the distributions of the drawn parameters (4000 samples: tolerances are ~4 standard errors) */
TEST(draw_distributions) {
    enum { N = 4000 };
    static DiffAugSample s[N];
    static double b[N], c[N], sat[N];
    DiffAug a = diffaug_defaults();
    a.ops = DA_DEFAULT | DA_XFLIP | DA_ROT90;
    a.p = 1;
    Rng r = rng_new(2024);
    diffaug_draw(&a, N, 32, 32, &r, s);
    int flips = 0, rot[4] = {0}, dy_seen[9] = {0}, cuts_ok = 1, nb = 0;
    for (int n = 0; n < N; n++) {
        flips += s[n].xflip;
        rot[s[n].rot90]++;
        CHECK(s[n].dy >= -4 && s[n].dy <= 4 && s[n].dx >= -4 && s[n].dx <= 4);   /* round(0.125 * 32) */
        dy_seen[s[n].dy + 4]++;
        b[n] = s[n].brightness;
        c[n] = log2(s[n].contrast);
        sat[n] = log2(s[n].saturation);
        int hh = s[n].cut_y1 - s[n].cut_y0, ww = s[n].cut_x1 - s[n].cut_x0;
        cuts_ok &= hh >= 8 && hh <= 16 && ww >= 8 && ww <= 16 && s[n].cut_y0 >= 0 && s[n].cut_y1 <= 32;
        nb += hh == 16 && ww == 16;
    }
    CHECK(cuts_ok);
    CHECK(nb > N / 4);                 /* most rectangles lie inside the image */
    CHECK(fabs(flips / (double)N - 0.5) < 0.035);
    for (int k = 0; k < 4; k++) CHECK(fabs(rot[k] / (double)N - 0.25) < 0.03);
    for (int k = 0; k < 9; k++) CHECK(fabs(dy_seen[k] / (double)N - 1.0 / 9) < 0.02);
    double sd, m;
    m = mean_sd(b, N, &sd);
    CHECK(fabs(m) < 0.015 && fabs(sd - 0.2) < 0.012);
    m = mean_sd(c, N, &sd);
    CHECK(fabs(m) < 0.035 && fabs(sd - 0.5) < 0.03);
    m = mean_sd(sat, N, &sd);
    CHECK(fabs(m) < 0.07 && fabs(sd - 1.0) < 0.06);
    /* p = 0.3: each transform is applied to about 30% of the samples, independently */
    a.p = 0.3f;
    diffaug_draw(&a, N, 32, 32, &r, s);
    int nbright = 0, ncon = 0, both = 0;
    for (int n = 0; n < N; n++) {
        nbright += s[n].brightness != 0;
        ncon += s[n].contrast != 1;
        both += s[n].brightness != 0 && s[n].contrast != 1;
    }
    CHECK(fabs(nbright / (double)N - 0.3) < 0.03 && fabs(ncon / (double)N - 0.3) < 0.03);
    CHECK(fabs(both / (double)N - 0.09) < 0.02);
}

TEST(same_seed_same_output) {
    Tensor *x = gc_input(TSHAPE(6, 3, 16, 16), 8, -1, 1);
    DiffAug a = diffaug_defaults();
    a.ops |= DA_XFLIP | DA_ROT90;
    a.p = 0.7f;
    Rng r1 = rng_new(99), r2 = rng_new(99), r3 = rng_new(100);
    int old = omp_get_max_threads();
    omp_set_num_threads(1);
    Tensor *y1 = diffaug_apply(&a, x, &r1);
    omp_set_num_threads(2);
    Tensor *y2 = diffaug_apply(&a, x, &r2);
    omp_set_num_threads(old);
    CHECK(same(y1, y2));
    CHECK(!same(diffaug_apply(&a, x, &r3), y1));
    CHECK(!same(diffaug_apply(&a, x, &r1), y1));        /* the next call draws new parameters */
    mg_step_reset();
}

TEST(settings_checked) {
    DiffAug a = diffaug_defaults();
    CHECK(diffaug_check(&a, 1, 64, 64) == 0);
    a.p = 1.5f;
    CHECK(diffaug_check(&a, 1, 64, 64) < 0 && strstr(mg_error_get(), "p = 1.5"));
    a = diffaug_defaults();
    a.ops |= DA_ROT90;
    CHECK(diffaug_check(&a, 1, 64, 48) < 0 && strstr(mg_error_get(), "square"));
    a = diffaug_defaults();
    a.contrast_sd = -1;
    CHECK(diffaug_check(&a, 3, 8, 8) < 0);
    a = diffaug_defaults();
    a.translate = NAN;
    CHECK(diffaug_check(&a, 3, 8, 8) < 0);
    unsigned ops = 12345;
    CHECK(diffaug_parse_ops("translate,cutout,color", &ops) == 0 && ops == DA_DEFAULT);
    CHECK(diffaug_parse_ops("xflip,rot90", &ops) == 0 && ops == (DA_XFLIP | DA_ROT90));
    CHECK(diffaug_parse_ops("none", &ops) == 0 && ops == 0);
    ops = 7;
    CHECK(diffaug_parse_ops("translate,zoom", &ops) < 0 && strstr(mg_error_get(), "'zoom'") && ops == 7);
    CHECK(diffaug_parse_ops("", &ops) < 0);
}

/* ---- gradients ---- */

typedef struct { DiffAug a; uint64_t seed; } AugCtx;

/* the same augmentation at every evaluation: a fresh generator from the seed */
static Tensor *aug_fixed(const AugCtx *c, Tensor *x) {
    Rng r = rng_new(c->seed);
    return diffaug_apply(&c->a, x, &r);
}
static Tensor *f_aug(Tensor *const *in, void *c) { return aug_fixed(c, in[0]); }
static Tensor *f_aug_tanh(Tensor *const *in, void *c) { return mg_tanh(aug_fixed(c, in[0])); }

static AugCtx all_ops(uint64_t seed) {
    AugCtx c = {diffaug_defaults(), seed};
    c.a.ops |= DA_XFLIP | DA_ROT90;
    c.a.p = 1;
    c.a.translate = 0.25f;
    return c;
}

TEST(gradients_through_augmentation) {
    Tensor *x = gc_input(TSHAPE(3, 3, 4, 4), 12, -1, 1);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        AugCtx c = all_ops(seed);
        CHECK(gradcheck("aug", f_aug, &c, 1, &x, H, TOL, 60));
        CHECK(gradcheck("aug_tanh", f_aug_tanh, &c, 1, &x, H, TOL, 60));
        CHECK(gradcheck2("aug_tanh", f_aug_tanh, &c, 1, &x, 0, H, TOL2, 60));
    }
    mg_step_reset();
}

/* ---- R1 through the augmentation ----
 * D(x) = 0.2 * sum over [C,H,W] of tanh(conv3x3(aug(x); w1) + b1), one logit per image (scaled so
 * that the penalty's gradients are well above the tolerance, which is absolute below 1).
 * R1 = sum over the batch of |d sum(D(aug(x))^2) / dx|^2 (with create_graph), and its gradient
 * with respect to w1, b1 (and x) is compared with finite differences of R1 computed first-order. */
typedef struct { AugCtx aug; } R1Ctx;

static Tensor *d_logits(Tensor *x, Tensor *w, Tensor *b) {
    Tensor *h = mg_tanh(mg_conv2d(x, w, b, (ConvGeom){1, 1, 0, 1}));   /* [N,2,H,W] */
    return mg_affine(mg_sum(h, 7u << 1, 0), 0.2f, 0);                 /* [N] */
}

static Tensor *r1_penalty(R1Ctx *c, Tensor *const *in, int create) {
    int old = mg_set_grad_enabled(1);
    Tensor *x = in[0];
    Tensor *loss = mg_sum_all(mg_square(d_logits(aug_fixed(&c->aug, x), in[1], in[2])));
    Tensor *gx;
    mg_grad(1, &loss, NULL, 1, &x, &gx, create);
    Tensor *p = mg_sum_all(mg_square(gx));
    mg_set_grad_enabled(old);
    return p;
}

static double r1_scalar(void *c, Tensor *const *in) { return tensor_item(r1_penalty(c, in, 0)); }

TEST(r1_through_augmentation_wrt_d_weights) {
    Tensor *in[3] = {gc_input(TSHAPE(2, 3, 5, 5), 21, -1, 1), gc_input(TSHAPE(2, 3, 3, 3), 22, -0.6f, 0.6f),
                     gc_input(TSHAPE(2), 23, -0.3f, 0.3f)};
    for (uint64_t seed = 5; seed <= 6; seed++) {
        R1Ctx c = {all_ops(seed)};
        Tensor *P = r1_penalty(&c, in, 1);
        CHECK(tensor_item(P) > 1e-6);
        Tensor *g[3];
        mg_grad(1, &P, NULL, 3, in, g, 0);
        CHECK(gc_compare("r1_through_aug", r1_scalar, &c, 3, in, g, H, TOL2, 60));
        /* the augmentation matters: without it the penalty is different */
        R1Ctx plain = c;
        plain.aug.a.p = 0;
        CHECK(fabs(tensor_item(r1_penalty(&plain, in, 0)) - tensor_item(P)) > 1e-6);
    }
    mg_step_reset();
}

/* ---- PyTorch parity (fixtures/diffaug.safetensors) ---- */

static Tensor *fx_get(const StFile *f, const char *name) {
    const StTensor *st = st_find(f, name);
    MG_CHECK(st && st->ndim <= MG_MAXDIM, "%s: no tensor %s of at most 4 dimensions", f->path, name);
    int shape[MG_MAXDIM];
    for (int i = 0; i < st->ndim; i++) shape[i] = (int)st->shape[i];
    Tensor *t = tensor_new(st->ndim, shape);
    st_read_f32(st, t->data);
    return t;
}

static int close_to(const char *what, const Tensor *got, const Tensor *want, double tol) {
    double worst = 0;
    for (size_t i = 0; i < tensor_numel(want); i++)
        worst = fmax(worst, fabs((double)got->data[i] - want->data[i]) / fmax(1.0, fabs(want->data[i])));
    if (getenv("PARITY_VERBOSE")) printf("   %-8s worst relative error %.2e (tol %.0e)\n", what, worst, tol);
    if (!(worst <= tol) || !tensor_same_shape(got, want)) {
        fprintf(stderr, "  %s: %s vs %s, worst error %.3g (tol %g)\n", what, tensor_shape_str(got), tensor_shape_str(want),
                worst, tol);
        return 0;
    }
    return 1;
}

static Tensor *r1_of(const DiffAugSample *s, Tensor *x, Tensor *w, Tensor *b, int create) {
    Tensor *loss = mg_sum_all(mg_square(d_logits(diffaug_apply_samples(x, s), w, b)));
    Tensor *gx;
    mg_grad(1, &loss, NULL, 1, &x, &gx, create);
    return mg_sum_all(mg_square(gx));
}

TEST(torch_parity) {
    const char *dir = getenv("MORPHOGAN_FIXTURES");
    char path[512];
    snprintf(path, sizeof path, "%s/diffaug.safetensors", dir ? dir : "fixtures");
    StFile f;
    if (st_open(path, &f)) {
        CHECK_MSG(0, "%s", mg_error_get());
        return;
    }
    Tensor *x = fx_get(&f, "x"), *P = fx_get(&f, "params");       /* [4,3,8,8], [4,11] */
    x->requires_grad = 1;
    int N = x->shape[0];
    DiffAugSample s[4];
    CHECK(N == 4 && P->shape[1] == 11);
    for (int n = 0; n < N; n++) {
        const float *p = P->data + n * 11;
        s[n] = (DiffAugSample){(int)p[0], (int)p[1], (int)p[2], (int)p[3], p[4], p[5], p[6],
                               (int)p[7], (int)p[8], (int)p[9], (int)p[10]};
    }
    Tensor *y = diffaug_apply_samples(x, s);
    CHECK(close_to("y", y, fx_get(&f, "y"), 2e-6));
    Tensor *R = fx_get(&f, "R"), *gx;
    mg_grad(1, &y, &R, 1, &x, &gx, 0);
    CHECK(close_to("gx", gx, fx_get(&f, "gx"), 2e-6));
    Tensor *w = fx_get(&f, "w"), *b = fx_get(&f, "b");
    w->requires_grad = b->requires_grad = 1;
    int old = mg_set_grad_enabled(1);
    Tensor *r1 = r1_of(s, x, w, b, 1);
    CHECK(close_to("r1", r1, fx_get(&f, "r1"), 1e-5));
    Tensor *in[3] = {w, b, x}, *g[3];
    mg_grad(1, &r1, NULL, 3, in, g, 0);
    mg_set_grad_enabled(old);
    CHECK(close_to("r1.gw", g[0], fx_get(&f, "r1.gw"), 1e-4));
    CHECK(close_to("r1.gb", g[1], fx_get(&f, "r1.gb"), 1e-4));
    CHECK(close_to("r1.gx", g[2], fx_get(&f, "r1.gx"), 1e-4));
    st_close(&f);
    mg_step_reset();
}

int main(void) {
    RUN(geometric_by_hand);
    RUN(geometric_matches_data_augment);
    RUN(colour_by_hand);
    RUN(inverses_and_untouched_samples);
    RUN(p_zero_draws_nothing_and_counter_is_fixed);
    RUN(draws_are_fixed_words);
    RUN(draw_distributions);
    RUN(same_seed_same_output);
    RUN(settings_checked);
    RUN(gradients_through_augmentation);
    RUN(r1_through_augmentation_wrt_d_weights);
    RUN(torch_parity);
    return test_summary();
}
