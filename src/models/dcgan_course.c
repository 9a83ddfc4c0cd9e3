#include "models/dcgan_course.h"
#include "core/error.h"
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

DcganConfig dcgan_course_config(int d_bn) { return (DcganConfig){.z_dim = 64, .g_width = 64, .d_width = 16, .d_bn = d_bn}; }

/* ---- construction ---- */

static void bn_alloc(DcganBn *bn, int n, const int *channels) {
    int total = 0;
    for (int i = 0; i < n; i++) total += channels[i];
    bn->n = n;
    bn->mem = n ? mg_xmalloc(2 * (size_t)total * sizeof(float)) : NULL;
    float *p = bn->mem;
    for (int i = 0; i < n; i++) {
        bn->st[i] = (BatchNormStats){.running_mean = p, .running_var = p + total, .momentum = 0.1f, .eps = 1e-5f};
        for (int c = 0; c < channels[i]; c++) { p[c] = 0; p[total + c] = 1; }
        p += channels[i];
    }
}

/* PyTorch's reset_parameters(): both tensors U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = w.shape[1]*k*k */
static void init_conv(Tensor *w, Tensor *b, Rng *rng) {
    float bound = 1.0f / sqrtf((float)(w->shape[1] * w->shape[2] * w->shape[3]));
    rng_uniform(rng, w->data, tensor_numel(w), -bound, bound);
    rng_uniform(rng, b->data, tensor_numel(b), -bound, bound);
}

static void init_bn(Tensor *gamma, Tensor *beta) {
    for (size_t i = 0; i < tensor_numel(gamma); i++) { gamma->data[i] = 1; beta->data[i] = 0; }
}

void dcgan_g_init(DcganG *g, DcganConfig cfg, Rng *rng) {
    memset(g, 0, sizeof *g);
    g->cfg = cfg;
    g->ps = params_new();
    const int w = cfg.g_width;
    const int ci[4] = {cfg.z_dim, 4 * w, 2 * w, w}, co[4] = {4 * w, 2 * w, w, 1}, k[4] = {3, 4, 3, 4};
    char name[MG_PARAM_NAME];
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "%d.0.weight", i);
        g->w[i] = params_add(g->ps, name, TSHAPE(ci[i], co[i], k[i], k[i]));
        snprintf(name, sizeof name, "%d.0.bias", i);
        g->b[i] = params_add(g->ps, name, TSHAPE(co[i]));
        if (i == 3) break;
        snprintf(name, sizeof name, "%d.1.weight", i);
        g->gamma[i] = params_add(g->ps, name, TSHAPE(co[i]));
        snprintf(name, sizeof name, "%d.1.bias", i);
        g->beta[i] = params_add(g->ps, name, TSHAPE(co[i]));
    }
    params_finalize(g->ps);
    for (int i = 0; i < 4; i++) {
        init_conv(g->w[i], g->b[i], rng);
        if (i < 3) init_bn(g->gamma[i], g->beta[i]);
    }
    bn_alloc(&g->bn, 3, co);
}

void dcgan_d_init(DcganD *d, DcganConfig cfg, Rng *rng) {
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    d->ps = params_new();
    const int ci[3] = {1, cfg.d_width, 2 * cfg.d_width}, co[3] = {cfg.d_width, 2 * cfg.d_width, 1};
    char name[MG_PARAM_NAME];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%d.0.weight", i);
        d->w[i] = params_add(d->ps, name, TSHAPE(co[i], ci[i], 4, 4));
        snprintf(name, sizeof name, "%d.0.bias", i);
        d->b[i] = params_add(d->ps, name, TSHAPE(co[i]));
        if (i == 2 || !cfg.d_bn) continue;
        snprintf(name, sizeof name, "%d.1.weight", i);
        d->gamma[i] = params_add(d->ps, name, TSHAPE(co[i]));
        snprintf(name, sizeof name, "%d.1.bias", i);
        d->beta[i] = params_add(d->ps, name, TSHAPE(co[i]));
    }
    params_finalize(d->ps);
    for (int i = 0; i < 3; i++) {
        init_conv(d->w[i], d->b[i], rng);
        if (i < 2 && cfg.d_bn) init_bn(d->gamma[i], d->beta[i]);
    }
    bn_alloc(&d->bn, cfg.d_bn ? 2 : 0, co);
}

int dcgan_bn_channels(const DcganBn *bn) { return bn->n ? (int)(bn->st[0].running_var - bn->st[0].running_mean) : 0; }

/* copies the statistics to mem (2 * channels floats) and points the layers there */
static void bn_move(DcganBn *bn, float *mem) {
    int total = dcgan_bn_channels(bn);
    memcpy(mem, bn->mem, 2 * (size_t)total * sizeof(float));
    for (int i = 0; i < bn->n; i++) {
        ptrdiff_t off = bn->st[i].running_mean - bn->mem;
        bn->st[i].running_mean = mem + off;
        bn->st[i].running_var = mem + total + off;
    }
    if (!bn->mem_borrowed) free(bn->mem);
    bn->mem = mem;
}

void dcgan_bn_rebind(DcganBn *bn, Tensor *t) {
    MG_CHECK((int)tensor_numel(t) == 2 * dcgan_bn_channels(bn), "dcgan_bn_rebind: %s for %d channels",
             tensor_shape_str(t), dcgan_bn_channels(bn));
    bn_move(bn, t->data);
    bn->mem_borrowed = 1;
}

void dcgan_bn_own(DcganBn *bn) {
    if (!bn->mem_borrowed) return;
    float *mem = mg_xmalloc(2 * (size_t)dcgan_bn_channels(bn) * sizeof(float));
    bn_move(bn, mem);
    bn->mem_borrowed = 0;
}

ParamStore *dcgan_bn_buffers(DcganG *g, DcganD *d) {
    ParamStore *ps = params_new();
    Tensor *gb = params_add(ps, "G.bn", TSHAPE(2 * dcgan_bn_channels(&g->bn)));
    Tensor *db = d->bn.n ? params_add(ps, "D.bn", TSHAPE(2 * dcgan_bn_channels(&d->bn))) : NULL;
    params_finalize(ps);
    dcgan_bn_rebind(&g->bn, gb);
    if (db) dcgan_bn_rebind(&d->bn, db);
    return ps;
}

void dcgan_g_free(DcganG *g) {
    params_free(g->ps);
    if (!g->bn.mem_borrowed) free(g->bn.mem);
    memset(g, 0, sizeof *g);
}

void dcgan_d_free(DcganD *d) {
    params_free(d->ps);
    if (!d->bn.mem_borrowed) free(d->bn.mem);
    memset(d, 0, sizeof *d);
}

/* ---- forward ---- */

Tensor *dcgan_g_forward(DcganG *g, Tensor *z, int training) {
    static const ConvGeom geom[4] = {{2, 0, 0, 1}, {1, 0, 0, 1}, {2, 0, 0, 1}, {2, 0, 0, 1}};
    Tensor *h = z;                                        /* [N,Z,1,1] */
    for (int i = 0; i < 3; i++) {                         /* [N,4w,3,3] -> [N,2w,6,6] -> [N,w,13,13] */
        h = mg_conv_transpose2d(h, g->w[i], g->b[i], geom[i]);
        h = mg_batch_norm_act(h, g->gamma[i], g->beta[i], &g->bn.st[i], training, 0);   /* ReLU */
    }
    return mg_tanh(mg_conv_transpose2d(h, g->w[3], g->b[3], geom[3]));   /* [N,1,28,28] */
}

Tensor *dcgan_d_forward(DcganD *d, Tensor *x, int training) {
    const ConvGeom geom = {2, 0, 0, 1};
    Tensor *h = x;                                        /* [N,1,28,28] */
    for (int i = 0; i < 2; i++) {                         /* [N,d,13,13] -> [N,2d,5,5] */
        h = mg_conv2d(h, d->w[i], d->b[i], geom);
        if (d->cfg.d_bn) h = mg_batch_norm_act(h, d->gamma[i], d->beta[i], &d->bn.st[i], training, 0.2f);
        else h = mg_leaky_relu(h, 0.2f);
    }
    return mg_conv2d(h, d->w[2], d->b[2], geom);         /* [N,1,1,1] */
}

double dcgan_g_macs(DcganConfig c) {
    const double w = c.g_width;
    return c.z_dim * 1.0 * 4 * w * 9                      /* 1x1 in, k3 */
         + 4 * w * 9 * 2 * w * 16                        /* 3x3 in, k4 */
         + 2 * w * 36 * w * 9                            /* 6x6 in, k3 */
         + w * 169 * 1 * 16;                             /* 13x13 in, k4 */
}

double dcgan_d_macs(DcganConfig c) {
    const double d = c.d_width;
    return d * 169 * 1 * 16 + 2 * d * 25 * d * 16 + 1 * 1 * 2 * d * 16;
}

/* ---- losses and the training step ---- */

void dcgan_trainer_init(DcganTrainer *t, DcganG *g, DcganD *d, DcganLoss loss) {
    MG_CHECK(loss == DCGAN_BCE || !d->cfg.d_bn, "WGAN-GP needs a critic without batch norm");
    *t = (DcganTrainer){.g = g, .d = d, .opt_g = adam_default(2e-4f, 0.5f, 0.999f),
                        .opt_d = adam_default(2e-4f, 0.5f, 0.999f), .loss = loss, .gp_lambda = 10.0f};
}

static Tensor *bce_const(Tensor *logits, float target) {
    return mg_bce_with_logits(logits, tensor_full(logits->ndim, logits->shape, target));
}

Tensor *dcgan_gradient_penalty(DcganD *d, Tensor *real, Tensor *fake, Tensor *eps) {
    const int n = real->shape[0];
    /* mix [N,1,28,28] = eps * real + (1 - eps) * fake: a leaf of its own */
    int old = mg_set_grad_enabled(0);
    Tensor *mix = mg_add(mg_mul(eps, real), mg_mul(mg_affine(eps, -1.0f, 1.0f), fake));
    mg_set_grad_enabled(old);
    mix->requires_grad = 1;
    Tensor *out = dcgan_d_forward(d, mix, 1), *g;       /* [N,1,1,1] */
    mg_grad(1, &out, NULL, 1, &mix, &g, 1);              /* d sum(out) / d mix, recorded */
    Tensor *norm = mg_sqrt(mg_sum(mg_square(mg_reshape(g, TSHAPE(n, -1))), 1u << 1, 0));   /* [N] */
    return mg_mean_all(mg_square(mg_affine(norm, 1.0f, -1.0f)));
}

Tensor *dcgan_d_loss(DcganTrainer *t, Tensor *real, Tensor *fake, Tensor *eps, Tensor **out_gp,
                     Tensor **out_d_fake, Tensor **out_d_real) {
    Tensor *loss, *gp = NULL, *pf, *pr;
    if (t->loss == DCGAN_BCE) {
        pf = dcgan_d_forward(t->d, fake, 1);
        pr = dcgan_d_forward(t->d, real, 1);
        loss = mg_affine(mg_add(bce_const(pf, 0.0f), bce_const(pr, 1.0f)), 0.5f, 0.0f);
    } else {
        gp = dcgan_gradient_penalty(t->d, real, fake, eps);
        pf = dcgan_d_forward(t->d, fake, 1);
        pr = dcgan_d_forward(t->d, real, 1);
        loss = mg_add(mg_sub(mg_mean_all(pf), mg_mean_all(pr)), mg_affine(gp, t->gp_lambda, 0.0f));
    }
    if (out_gp) *out_gp = gp;
    if (out_d_fake) *out_d_fake = pf;
    if (out_d_real) *out_d_real = pr;
    return loss;
}

Tensor *dcgan_g_loss(DcganTrainer *t, Tensor *fake, Tensor **out_d_fake) {
    Tensor *pf = dcgan_d_forward(t->d, fake, 1);
    if (out_d_fake) *out_d_fake = pf;
    return t->loss == DCGAN_BCE ? bce_const(pf, 1.0f) : mg_neg(mg_mean_all(pf));
}

const char *const dcgan_phase_names[DCGAN_T_N] = {
    "G forward", "D loss forward (+GP grad)", "D backward", "Adam D", "G loss forward (D)", "G backward", "Adam G"};

/* adds the time since *t0 to phase k and restarts the clock */
static void lap(DcganTrainer *t, int k, double *t0) {
    if (!t->times) return;
    double now = omp_get_wtime();
    t->times[k] += now - *t0;
    *t0 = now;
}

DcganStep dcgan_train_step(DcganTrainer *t, int n, const float *real, const float *z, const float *eps) {
    mg_step_reset();
    DcganStep s = {0};
    Tensor *x = tensor_wrap(TSHAPE(n, 1, 28, 28), (float *)real);
    Tensor *zt = tensor_wrap(TSHAPE(n, t->g->cfg.z_dim, 1, 1), (float *)z);
    Tensor *et = eps ? tensor_wrap(TSHAPE(n, 1, 1, 1), (float *)eps) : NULL;
    MG_CHECK(t->loss == DCGAN_BCE || et, "dcgan_train_step: WGAN-GP needs eps");

    double t0 = t->times ? omp_get_wtime() : 0;
    s.fake = dcgan_g_forward(t->g, zt, 1);              /* [N,1,28,28], generated once */
    lap(t, DCGAN_T_G_FWD, &t0);

    params_zero_grad(t->d->ps);
    Tensor *gp, *ld = dcgan_d_loss(t, x, mg_detach(s.fake), et, &gp, &s.d_fake, &s.d_real);
    lap(t, DCGAN_T_D_LOSS, &t0);
    mg_backward(ld);
    lap(t, DCGAN_T_D_BWD, &t0);
    adam_step(&t->opt_d, t->d->ps);
    lap(t, DCGAN_T_D_ADAM, &t0);

    params_zero_grad(t->g->ps);
    params_set_requires_grad(t->d->ps, 0);              /* same G update, no D weight gradients */
    Tensor *lg = dcgan_g_loss(t, s.fake, &s.d_fake_g);
    lap(t, DCGAN_T_G_LOSS, &t0);
    mg_backward(lg);
    params_set_requires_grad(t->d->ps, 1);
    lap(t, DCGAN_T_G_BWD, &t0);
    adam_step(&t->opt_g, t->g->ps);
    lap(t, DCGAN_T_G_ADAM, &t0);

    s.loss_d = tensor_item(ld);
    s.loss_g = tensor_item(lg);
    s.gp = gp ? tensor_item(gp) : 0.0f;
    return s;
}
