/* Parity with PyTorch 1.13: the fixtures written by tools/make_fixtures.py (fixtures/NAME.safetensors)
 * against the same computations here.  Quantities and tolerances, with err = max|c - torch| /
 * max(max|torch|, floor) over a tensor (set PARITY_VERBOSE=1 to print every err):
 *   forward values and losses                    1e-4
 *   gradients (parameters, inputs, grad of grad)  1e-3   (floor 1e-4: some are ~0); the gradient of a
 *                                                 conv bias followed by BN is 0 up to rounding: |g| <= 1e-5
 *   parameters after Adam steps                   absolute 1e-6 per step taken, except the biases of
 *                                                 convs followed by BN: their gradient is 0 up to
 *                                                 rounding, Adam's first steps move them by +-lr by
 *                                                 the sign of that noise, so they may differ by 2 lr
 *                                                 per step (and the running means after them too).
 * The training fixtures use the course architecture at reduced widths (see tools/make_fixtures.py);
 * dcgan_full.safetensors checks the real widths with formula weights. */
#include "core/error.h"
#include "io/safetensors.h"
#include "models/dcgan_course.h"
#include "test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL_FWD 1e-4
#define TOL_GRAD 1e-3
#define GRAD_FLOOR 1e-4
#define LR 2e-4
#define BIAS_BN_ATOL 1e-5   /* gradient of a bias followed by BN: 0 up to rounding (real ones are ~1e-2..10) */

static const char *fixdir(void) {
    const char *d = getenv("MORPHOGAN_FIXTURES");
    return d ? d : "fixtures";
}

static int verbose(void) { return getenv("PARITY_VERBOSE") != NULL; }

/* err of got[i*stride] vs ref; floor bounds the denominator from below */
static double rel_err(const float *got, size_t stride, const Tensor *ref, double floor, double *max_abs) {
    double ma = 0, mr = 0;
    for (size_t i = 0; i < tensor_numel(ref); i++) {
        ma = fmax(ma, fabs((double)got[i * stride] - ref->data[i]));
        mr = fmax(mr, fabs(ref->data[i]));
    }
    if (max_abs) *max_abs = ma;
    return ma / fmax(mr, floor);
}

/* checks got (n*stride floats) against ref; prints one line in verbose mode */
static void close_to(const char *what, const float *got, size_t stride, const Tensor *ref, double tol, double floor) {
    double ma, e = rel_err(got, stride, ref, floor, &ma);
    if (verbose()) printf("   %-44s max abs %.2e  rel %.2e\n", what, ma, e);
    CHECK_MSG(e <= tol, "%s: max abs err %.3g, relative %.3g > %.1g", what, ma, e, tol);
}

/* returns 0 when the shapes differ (then nothing more can be compared) */
static int close_t(const char *what, const Tensor *got, const Tensor *ref, double tol, double floor) {
    CHECK_MSG(tensor_same_shape(got, ref), "%s: shape %s, expected %s", what, tensor_shape_str(got), tensor_shape_str(ref));
    if (!tensor_same_shape(got, ref)) return 0;
    int old = mg_set_grad_enabled(0);
    Tensor *c = mg_contiguous((Tensor *)got);
    mg_set_grad_enabled(old);
    close_to(what, c->data, 1, ref, tol, floor);
    return 1;
}

static void close_abs(const char *what, const float *got, size_t stride, const Tensor *ref, double atol) {
    double ma;
    rel_err(got, stride, ref, 1, &ma);
    if (verbose()) printf("   %-44s max abs %.2e  (abs tol %.1e)\n", what, ma, atol);
    CHECK_MSG(ma <= atol, "%s: max abs err %.3g > %.3g", what, ma, atol);
}

typedef StFile Fx;

/* A copy of the tensor in the current arena; fatal when absent (a fixture/test mismatch). */
static Tensor *fx_get(const Fx *f, const char *name) {
    const StTensor *st = st_find(f, name);
    MG_CHECK(st, "%s: no tensor %s", f->path, name);
    MG_CHECK(st->ndim <= MG_MAXDIM, "%s: %s has %d dimensions", f->path, name, st->ndim);
    int shape[MG_MAXDIM];
    for (int i = 0; i < st->ndim; i++) shape[i] = (int)st->shape[i];
    Tensor *t = tensor_new(st->ndim, shape);
    st_read_f32(st, t->data);
    return t;
}

static int fx_has(const Fx *f, const char *name) { return st_find(f, name) != NULL; }

static float *fx_copy(const Fx *f, const char *name) {   /* malloc'd: survives mg_step_reset */
    Tensor *t = fx_get(f, name);
    float *p = mg_xmalloc(tensor_numel(t) * sizeof(float));
    memcpy(p, t->data, tensor_numel(t) * sizeof(float));
    return p;
}

static int fx_open_fixture(Fx *f, const char *file, char *path, size_t cap) {
    snprintf(path, cap, "%s/%s", fixdir(), file);
    int rc = st_open(path, f);
    CHECK_MSG(rc == 0, "%s", mg_error_get());
    return rc;
}

/* ---- single ops ---- */

static ConvGeom geom_of(const Tensor *g) {
    return (ConvGeom){(int)g->data[1], (int)g->data[2], (int)g->data[3], (int)g->data[4]};
}

/* y = op(ins); compares y and the gradients of <y, gout> w.r.t. every input */
typedef Tensor *(*OpFn)(Tensor *const *in, void *ctx);

static void op_case(const Fx *f, const char *name, int nin, OpFn fn, void *ctx) {
    char key[96];
    Tensor *in[4], *g[4];
    for (int i = 0; i < nin; i++) {
        snprintf(key, sizeof key, "%s.in%d", name, i);
        in[i] = fx_get(f, key);
        in[i]->requires_grad = 1;
    }
    Tensor *y = fn(in, ctx);
    snprintf(key, sizeof key, "%s.out", name);
    if (!close_t(key, y, fx_get(f, key), TOL_FWD, 1e-6)) return;
    snprintf(key, sizeof key, "%s.gout", name);
    Tensor *gout = fx_get(f, key);
    mg_grad(1, &y, &gout, nin, in, g, 0);
    for (int i = 0; i < nin; i++) {
        snprintf(key, sizeof key, "%s.grad%d", name, i);
        close_t(key, g[i], fx_get(f, key), TOL_GRAD, GRAD_FLOOR);
    }
}

static Tensor *f_conv(Tensor *const *x, void *c) { return mg_conv2d(x[0], x[1], x[2], *(ConvGeom *)c); }
static Tensor *f_convt(Tensor *const *x, void *c) { return mg_conv_transpose2d(x[0], x[1], x[2], *(ConvGeom *)c); }

TEST(ops_convolutions) {
    Fx f;
    char path[256], key[64];
    if (fx_open_fixture(&f, "ops.safetensors", path, sizeof path)) return;
    for (int j = 0; j < 5; j++) {
        snprintf(key, sizeof key, "conv2d.%d.geom", j);
        ConvGeom g = geom_of(fx_get(&f, key));
        snprintf(key, sizeof key, "conv2d.%d", j);
        op_case(&f, key, 3, f_conv, &g);
        snprintf(key, sizeof key, "convt2d.%d.geom", j);
        g = geom_of(fx_get(&f, key));
        snprintf(key, sizeof key, "convt2d.%d", j);
        op_case(&f, key, 3, f_convt, &g);
    }
    st_close(&f);
    mg_step_reset();
}

static Tensor *f_bn(Tensor *const *x, void *c) {
    BatchNormStats *st = c;
    return mg_batch_norm(x[0], x[1], x[2], st, st->momentum >= 0 ? 1 : 0);
}

TEST(ops_batch_norm) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "ops.safetensors", path, sizeof path)) return;
    float rm[4], rv[4];
    memcpy(rm, fx_get(&f, "bn_train.running_mean0")->data, 3 * sizeof(float));
    memcpy(rv, fx_get(&f, "bn_train.running_var0")->data, 3 * sizeof(float));
    BatchNormStats st = {rm, rv, 0.1f, 1e-5f};
    op_case(&f, "bn_train", 3, f_bn, &st);
    close_to("bn_train.running_mean1", rm, 1, fx_get(&f, "bn_train.running_mean1"), TOL_FWD, 1e-6);
    close_to("bn_train.running_var1", rv, 1, fx_get(&f, "bn_train.running_var1"), TOL_FWD, 1e-6);
    memcpy(rm, fx_get(&f, "bn_train.running_mean0")->data, 3 * sizeof(float));
    memcpy(rv, fx_get(&f, "bn_train.running_var0")->data, 3 * sizeof(float));
    BatchNormStats ev = {rm, rv, -1.0f, 1e-5f};      /* momentum < 0 here: eval mode (see f_bn) */
    op_case(&f, "bn_eval", 3, f_bn, &ev);
    close_to("bn_eval leaves running_mean", rm, 1, fx_get(&f, "bn_train.running_mean0"), 0, 1e-6);
    float rm2[4] = {0}, rv2[4] = {1, 1, 1, 1};
    BatchNormStats st2 = {rm2, rv2, 0.1f, 1e-5f};
    op_case(&f, "bn_train_2d", 3, f_bn, &st2);
    st_close(&f);
    mg_step_reset();
}

static Tensor *f_bil2(Tensor *const *x, void *c) { return mg_upsample_bilinear(x[0], 2); }
static Tensor *f_bil3(Tensor *const *x, void *c) { return mg_upsample_bilinear(x[0], 3); }
static Tensor *f_near2(Tensor *const *x, void *c) { return mg_upsample_nearest(x[0], 2); }
static Tensor *f_pool(Tensor *const *x, void *c) { return mg_avg_pool2d(x[0], 3, 2, 1); }
static Tensor *f_bce(Tensor *const *x, void *c) { return mg_bce_with_logits(x[0], x[1]); }

TEST(ops_resample_pool_bce) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "ops.safetensors", path, sizeof path)) return;
    op_case(&f, "up_bilinear2", 1, f_bil2, NULL);
    op_case(&f, "up_bilinear3", 1, f_bil3, NULL);
    op_case(&f, "up_nearest2", 1, f_near2, NULL);
    op_case(&f, "avg_pool.k3s2p1", 1, f_pool, NULL);
    op_case(&f, "bce", 2, f_bce, NULL);
    st_close(&f);
    mg_step_reset();
}

/* ---- the course DCGAN ---- */

static DcganConfig cfg_of(const Fx *f) {
    return (DcganConfig){.z_dim = atoi(st_meta(f, "z_dim")), .g_width = atoi(st_meta(f, "g_width")),
                         .d_width = atoi(st_meta(f, "d_width")), .d_bn = atoi(st_meta(f, "d_bn"))};
}

/* copies "<prefix>.<name>" into every parameter; the names must match exactly */
static void load_store(ParamStore *ps, const Fx *f, const char *prefix) {
    char key[128];
    int n = 0;
    size_t plen = strlen(prefix);
    for (int i = 0; i < f->n; i++) {   /* count "<prefix>.*" parameter tensors (not running stats) */
        const char *nm = f->t[i].name;
        if (!strncmp(nm, prefix, plen) && nm[plen] == '.' && !strstr(nm, "running_")) n++;
    }
    CHECK_MSG(n == ps->n, "%s: %d tensors in the fixture, %d parameters in the model", prefix, n, ps->n);
    for (int i = 0; i < ps->n; i++) {
        snprintf(key, sizeof key, "%s.%s", prefix, ps->p[i]->name);
        CHECK_MSG(fx_has(f, key), "fixture has no %s", key);
        if (!fx_has(f, key)) continue;
        Tensor *t = fx_get(f, key);
        CHECK_MSG(tensor_same_shape(t, &ps->p[i]->t), "%s: %s vs %s", key, tensor_shape_str(t), tensor_shape_str(&ps->p[i]->t));
        memcpy(ps->p[i]->t.data, t->data, tensor_numel(t) * sizeof(float));
    }
}

static int bias_before_bn(const ParamStore *ps, int i, int has_bn, int nconv) {
    int blk;
    return has_bn && sscanf(ps->p[i]->name, "%d.0.bias", &blk) == 1 && strstr(ps->p[i]->name, ".0.bias") &&
           blk < nconv - 1;
}

/* grads (what = 1) or values (what = 0) of a store against "<prefix>.<name>" */
static void check_store(const ParamStore *ps, int grads, const Fx *f, const char *prefix, double tol,
                        int bias_bn, int nconv, double bias_tol) {
    char key[128];
    for (int i = 0; i < ps->n; i++) {
        snprintf(key, sizeof key, "%s.%s", prefix, ps->p[i]->name);
        Tensor *ref = fx_get(f, key);
        const float *got = grads ? ps->p[i]->t.grad : ps->p[i]->t.data;
        int bb = bias_before_bn(ps, i, bias_bn, nconv);
        if (grads && bb) close_abs(key, got, 1, ref, BIAS_BN_ATOL);        /* zero up to rounding */
        else if (grads) close_to(key, got, 1, ref, tol, GRAD_FLOOR);
        else close_abs(key, got, 1, ref, bb ? bias_tol : tol);
    }
}

static void check_bn(const DcganBn *bn, const Fx *f, const char *prefix, double mean_tol) {
    char key[128];
    for (int i = 0; i < bn->n; i++) {
        snprintf(key, sizeof key, "%s.%d.1.running_mean", prefix, i);
        close_abs(key, bn->st[i].running_mean, 1, fx_get(f, key), mean_tol);
        snprintf(key, sizeof key, "%s.%d.1.running_var", prefix, i);
        close_to(key, bn->st[i].running_var, 1, fx_get(f, key), TOL_FWD, 1e-6);
    }
}

static void check_scalar(const char *what, float got, const Tensor *ref) {
    close_to(what, &got, 1, ref, TOL_FWD, 1e-6);
}

TEST(dcgan_init_follows_torch_defaults) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "dcgan_bce.safetensors", path, sizeof path)) return;
    DcganConfig cfg = cfg_of(&f);
    Rng r = rng_new(1);
    DcganG g;
    DcganD d;
    dcgan_g_init(&g, cfg, &r);
    dcgan_d_init(&d, cfg, &r);
    load_store(g.ps, &f, "G");                 /* names and shapes as PyTorch's state_dict */
    load_store(d.ps, &f, "D");
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    /* course sizes: U(+-1/sqrt(fan_in)) with torch's fan_in (w.shape[1]*k*k), BN 1/0, stats 0/1 */
    dcgan_g_init(&g, dcgan_course_config(1), &r);
    CHECK(g.ps->n == 14 && g.bn.n == 3);
    for (int i = 0; i < 4; i++) {
        double bound = 1 / sqrt((double)g.w[i]->shape[1] * g.w[i]->shape[2] * g.w[i]->shape[3]), mx = 0, mean = 0;
        size_t n = tensor_numel(g.w[i]);
        for (size_t j = 0; j < n; j++) { mx = fmax(mx, fabs(g.w[i]->data[j])); mean += g.w[i]->data[j]; }
        CHECK_MSG(mx <= bound && mx > 0.99 * bound, "G layer %d: max |w| %g, bound %g", i, mx, bound);
        CHECK_MSG(fabs(mean / n) < 0.05 * bound, "G layer %d: mean %g", i, mean / n);
        for (int c = 0; c < g.b[i]->shape[0]; c++) CHECK(fabs(g.b[i]->data[c]) <= bound);
        if (i < 3) {
            CHECK(g.gamma[i]->data[0] == 1 && g.beta[i]->data[0] == 0);
            CHECK(g.bn.st[i].running_mean[0] == 0 && g.bn.st[i].running_var[g.gamma[i]->shape[0] - 1] == 1);
        }
    }
    CHECK(dcgan_g_macs(g.cfg) > 7.6e6 && dcgan_g_macs(g.cfg) < 7.8e6);   /* 7.69 M per image */
    dcgan_g_free(&g);
    dcgan_d_init(&d, dcgan_course_config(0), &r);
    CHECK(d.ps->n == 6 && d.bn.n == 0 && !d.gamma[0]);
    CHECK(!strcmp(d.ps->p[2]->name, "1.0.weight"));
    dcgan_d_free(&d);
    st_close(&f);
    mg_step_reset();
}

/* one full training step against a fixture (both losses) */
/* G and D of the fixture's configuration with the fixture's weights, and their trainer */
static void models_from_fixture(Fx *f, DcganLoss loss, DcganG *g, DcganD *d, DcganTrainer *t) {
    DcganConfig cfg = cfg_of(f);
    Rng r = rng_new(2);          /* the initial draw is overwritten by the fixture's weights */
    dcgan_g_init(g, cfg, &r);
    dcgan_d_init(d, cfg, &r);
    load_store(g->ps, f, "G");
    load_store(d->ps, f, "D");
    dcgan_trainer_init(t, g, d, loss);
}

static void step_case(const char *file, DcganLoss loss) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, file, path, sizeof path)) return;
    DcganG g;
    DcganD d;
    DcganTrainer t;
    models_from_fixture(&f, loss, &g, &d, &t);
    int n = atoi(st_meta(&f, "batch"));
    float *real = fx_copy(&f, "real"), *z = fx_copy(&f, "z"), *eps = fx_copy(&f, "eps");
    DcganStep s = dcgan_train_step(&t, n, real, z, loss == DCGAN_WGAN_GP ? eps : NULL);
    close_t("fake = G(z)", s.fake, fx_get(&f, "fake"), TOL_FWD, 1e-6);
    close_t("D(fake) in the D step", s.d_fake, fx_get(&f, "d_fake"), TOL_FWD, 1e-6);
    close_t("D(real)", s.d_real, fx_get(&f, "d_real"), TOL_FWD, 1e-6);
    check_scalar("loss_d", s.loss_d, fx_get(&f, "loss_d"));
    if (loss == DCGAN_WGAN_GP) check_scalar("gp", s.gp, fx_get(&f, "gp"));
    check_store(d.ps, 1, &f, "grad_d.D", TOL_GRAD, d.cfg.d_bn, 3, 0);
    close_t("D(fake) in the G step", s.d_fake_g, fx_get(&f, "d_fake_g"), TOL_FWD, 1e-6);
    check_scalar("loss_g", s.loss_g, fx_get(&f, "loss_g"));
    check_store(g.ps, 1, &f, "grad_g.G", TOL_GRAD, 1, 4, 0);
    check_store(d.ps, 0, &f, "after.D", 1e-6, d.cfg.d_bn, 3, 2 * LR + 1e-6);
    check_store(g.ps, 0, &f, "after.G", 1e-6, 1, 4, 2 * LR + 1e-6);
    check_bn(&g.bn, &f, "after.G", LR);         /* D's running means see its BN-preceded biases */
    check_bn(&d.bn, &f, "after.D", LR);
    free(real); free(z); free(eps);
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    st_close(&f);
    mg_step_reset();
}

TEST(dcgan_bce_step) { step_case("dcgan_bce.safetensors", DCGAN_BCE); }
TEST(dcgan_wgangp_step) { step_case("dcgan_wgangp.safetensors", DCGAN_WGAN_GP); }

/* the penalty alone and d gp / d critic parameters: a gradient of a gradient */
TEST(dcgan_wgangp_penalty_gradients) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "dcgan_wgangp.safetensors", path, sizeof path)) return;
    Rng r = rng_new(3);
    DcganD d;
    dcgan_d_init(&d, cfg_of(&f), &r);
    load_store(d.ps, &f, "D");
    params_zero_grad(d.ps);
    Tensor *gp = dcgan_gradient_penalty(&d, fx_get(&f, "real"), fx_get(&f, "gp_only.fake"), fx_get(&f, "eps"));
    check_scalar("gp (penalty alone)", tensor_item(gp), fx_get(&f, "gp_only.gp"));
    mg_backward(gp);
    check_store(d.ps, 1, &f, "gp_only.grad.D", TOL_GRAD, 0, 3, 0);
    dcgan_d_free(&d);
    st_close(&f);
    mg_step_reset();
}

TEST(dcgan_five_training_steps) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "dcgan_train5.safetensors", path, sizeof path)) return;
    DcganG g;
    DcganD d;
    DcganTrainer t;
    models_from_fixture(&f, DCGAN_BCE, &g, &d, &t);
    int n = atoi(st_meta(&f, "batch"));
    float *real = fx_copy(&f, "real"), *z = fx_copy(&f, "z"), losses[10];
    for (int k = 0; k < 5; k++) {
        DcganStep s = dcgan_train_step(&t, n, real, z, NULL);
        losses[2 * k] = s.loss_d;
        losses[2 * k + 1] = s.loss_g;
    }
    mg_step_reset();
    close_to("losses of 5 steps", losses, 1, fx_get(&f, "losses"), TOL_FWD, 1e-6);
    check_store(d.ps, 0, &f, "after.D", 5e-6, 1, 3, 10 * LR + 1e-6);
    check_store(g.ps, 0, &f, "after.G", 5e-6, 1, 4, 10 * LR + 1e-6);
    check_bn(&g.bn, &f, "after.G", 2 * LR);    /* running means follow the BN-preceded biases */
    check_bn(&d.bn, &f, "after.D", 2 * LR);
    free(real); free(z);
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    st_close(&f);
    mg_step_reset();
}

TEST(adam_five_steps_given_gradients) {
    Fx f;
    char path[256], key[128];
    if (fx_open_fixture(&f, "dcgan_train5.safetensors", path, sizeof path)) return;
    Rng r = rng_new(5);
    DcganG g;
    dcgan_g_init(&g, cfg_of(&f), &r);
    load_store(g.ps, &f, "adam.start.G");
    Adam opt = adam_default(2e-4f, 0.5f, 0.999f);
    for (int s = 0; s < 5; s++) {
        for (int i = 0; i < g.ps->n; i++) {
            snprintf(key, sizeof key, "adam.grad%d.G.%s", s, g.ps->p[i]->name);
            Tensor *gr = fx_get(&f, key);
            memcpy(g.ps->p[i]->t.grad, gr->data, tensor_numel(gr) * sizeof(float));
        }
        adam_step(&opt, g.ps);
    }
    check_store(g.ps, 0, &f, "adam.end.G", 1e-6, 0, 4, 0);
    dcgan_g_free(&g);
    st_close(&f);
    mg_step_reset();
}

/* the formula of make_fixtures.py's formula_fill: p[i] = b sin(0.37 i + 1.3 k + salt) */
static void formula_fill(ParamStore *ps, double salt, int transpose) {
    for (int k = 0; k < ps->n; k++) {
        Tensor *t = &ps->p[k]->t;
        int blk, sub;
        sscanf(ps->p[k]->name, "%d.%d", &blk, &sub);
        double fan = 0;
        if (sub == 0) {
            Tensor *w = strstr(ps->p[k]->name, "bias") ? &ps->p[k - 1]->t : t;   /* weight precedes bias */
            fan = (double)(transpose ? w->shape[0] : w->shape[1]) * w->shape[2] * w->shape[3];
        }
        for (size_t i = 0; i < tensor_numel(t); i++) {
            double s = sin(0.37 * (double)i + 1.3 * k + salt);
            t->data[i] = (float)(sub == 1 ? (strstr(ps->p[k]->name, "weight") ? 1.0 + 0.1 * s : 0.1 * s) : s / sqrt(fan));
        }
    }
}

static void check_sub(const ParamStore *ps, const Fx *f, const char *prefix) {
    char key[128];
    for (int i = 0; i < ps->n; i++) {
        snprintf(key, sizeof key, "%s.%s", prefix, ps->p[i]->name);
        Tensor *ref = fx_get(f, key);
        int bb = bias_before_bn(ps, i, strstr(prefix, "gp_") == NULL, strstr(prefix, ".G") ? 4 : 3);
        if (bb) close_abs(key, ps->p[i]->t.grad, 97, ref, BIAS_BN_ATOL);
        else close_to(key, ps->p[i]->t.grad, 97, ref, TOL_GRAD, GRAD_FLOOR);
    }
}

TEST(dcgan_full_width_forward_backward) {
    Fx f;
    char path[256];
    if (fx_open_fixture(&f, "dcgan_full.safetensors", path, sizeof path)) return;
    Rng r = rng_new(6);
    DcganG g;
    DcganD d, c;
    DcganTrainer t;
    dcgan_g_init(&g, dcgan_course_config(1), &r);
    dcgan_d_init(&d, dcgan_course_config(1), &r);
    dcgan_d_init(&c, dcgan_course_config(0), &r);
    formula_fill(g.ps, 0.0, 1);
    formula_fill(d.ps, 0.5, 0);
    formula_fill(c.ps, 0.25, 0);
    dcgan_trainer_init(&t, &g, &d, DCGAN_BCE);
    Tensor *real = fx_get(&f, "real"), *fake = dcgan_g_forward(&g, fx_get(&f, "z"), 1), *pf, *pr;
    close_t("full: fake = G(z)", fake, fx_get(&f, "fake"), TOL_FWD, 1e-6);
    params_zero_grad(d.ps);
    Tensor *ld = dcgan_d_loss(&t, real, mg_detach(fake), NULL, NULL, &pf, &pr);
    close_t("full: D(fake)", pf, fx_get(&f, "d_fake"), TOL_FWD, 1e-6);
    close_t("full: D(real)", pr, fx_get(&f, "d_real"), TOL_FWD, 1e-6);
    check_scalar("full: loss_d", tensor_item(ld), fx_get(&f, "loss_d"));
    mg_backward(ld);
    check_sub(d.ps, &f, "grad_d_sub.D");
    params_zero_grad(g.ps);
    Tensor *lg = dcgan_g_loss(&t, fake, NULL);
    check_scalar("full: loss_g", tensor_item(lg), fx_get(&f, "loss_g"));
    mg_backward(lg);
    check_sub(g.ps, &f, "grad_g_sub.G");
    params_zero_grad(c.ps);
    Tensor *gp = dcgan_gradient_penalty(&c, real, mg_detach(fake), fx_get(&f, "eps"));
    check_scalar("full: gp", tensor_item(gp), fx_get(&f, "gp"));
    mg_backward(gp);
    check_sub(c.ps, &f, "gp_grad_sub.D");
    dcgan_g_free(&g);
    dcgan_d_free(&d);
    dcgan_d_free(&c);
    st_close(&f);
    mg_step_reset();
}

int main(void) {
    RUN(ops_convolutions);
    RUN(ops_batch_norm);
    RUN(ops_resample_pool_bce);
    RUN(dcgan_init_follows_torch_defaults);
    RUN(dcgan_bce_step);
    RUN(dcgan_wgangp_penalty_gradients);
    RUN(dcgan_wgangp_step);
    RUN(dcgan_five_training_steps);
    RUN(adam_five_steps_given_gradients);
    RUN(dcgan_full_width_forward_backward);
    return test_summary();
}
