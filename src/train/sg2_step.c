#include "train/sg2_step.h"
#include "core/error.h"
#include "train/sg2_grow.h"
#include <math.h>
#include <stdlib.h>

float sg2_auto_gamma(int resolution, int batch) { return 0.0002f * (float)resolution * resolution / (float)batch; }

static Adam lazy_adam(float lr, float b1, float b2, int interval) {
    const float c = (float)interval / (float)(interval + 1);
    return adam_default(lr * c, powf(b1, c), powf(b2, c));
}

void sg2_trainer_init(Sg2Trainer *t, GanModel *m, int batch, float lr, float beta1, float beta2, float r1_gamma) {
    Sg2 *net = gan_stylegan2_net(m);
    MG_CHECK(net, "sg2_trainer_init: not a StyleGAN2 model");
    *t = (Sg2Trainer){.m = m, .net = net, .batch = batch, .r1_gamma = r1_gamma, .pl_weight = 2.0f, .pl_decay = 0.01f,
                      .mixing = 0.9f, .w_avg_beta = 0.995f, .ema_kimg = batch * 10.0f / 32.0f, .ema_rampup = 0.05f, .r1_interval = 16, .pl_interval = 4,
                      .z = mg_xmalloc(sizeof(float) * batch * m->z_dim), .z2 = mg_xmalloc(sizeof(float) * batch * m->z_dim),
                      .c_fake = mg_xcalloc((size_t)batch, sizeof(int))};
    t->opt_g = lazy_adam(lr, beta1, beta2, t->pl_interval);
    t->opt_d = lazy_adam(lr, beta1, beta2, t->r1_interval);
}

void sg2_trainer_free(Sg2Trainer *t) {
    free(t->z);
    free(t->z2);
    free(t->c_fake);
    t->z = t->z2 = NULL;
    t->c_fake = NULL;
}

static Tensor *augment(Sg2Trainer *t, Tensor *x, Rng *rng) { return t->aug.apply ? t->aug.apply(t->aug.ctx, x, rng) : x; }

/* ws [n,num_ws,Wd] for fresh z (and z2 for style mixing); *w: the unmixed w [n,Wd]; *c: the one-hot
 * classes [n,K] of the fakes (conditional; both z and z2 use them, as the reference) or NULL.  Draws:
 * z, z2, the mixing coin, the cutoff - always, so the number of draws does not depend on the outcome -
 * then, conditional only, one class per sample. */
static Tensor *sample_ws(Sg2Trainer *t, int n, Rng *rng, Tensor **w, Tensor **c) {
    const int zd = t->m->z_dim, L = t->net->num_ws;
    rng_normal(rng, t->z, (size_t)n * zd, 0, 1);
    rng_normal(rng, t->z2, (size_t)n * zd, 0, 1);
    const float coin = rng_uniform1(rng);
    const int cutoff = 1 + (int)rng_below(rng, (uint32_t)(L - 1));
    *c = NULL;
    if (t->net->s.c_dim) {
        MG_CHECK(t->label_pool && t->label_pool_n > 0, "sg2 step: a conditional model needs the training labels");
        for (int i = 0; i < n; i++) t->c_fake[i] = t->label_pool[rng_below(rng, (uint32_t)t->label_pool_n)];
        *c = sg2_onehot(t->net, n, t->c_fake);
    }
    *w = sg2_mapping(t->net, tensor_from(TSHAPE(n, zd), t->z), *c, 1.0f);
    Tensor *ws = sg2_broadcast_w(t->net, *w);
    if (coin < t->mixing) ws = sg2_mix(t->net, ws, sg2_broadcast_w(t->net, sg2_mapping(t->net, tensor_from(TSHAPE(n, zd), t->z2), *c, 1.0f)), cutoff);
    return ws;
}

static Tensor *mean_softplus(Tensor *x, float sign) { return mg_mean_all(mg_softplus(sign > 0 ? x : mg_neg(x))); }

static float g_main(Sg2Trainer *t, Rng *rng, long step) {
    GanModel *m = t->m;
    mg_step_reset();
    Tensor *w, *c;
    Tensor *img = sg2_synthesis(t->net, sample_ws(t, t->batch, rng, &w, &c), SG2_NOISE_RANDOM, rng);   /* [N,C,R,R] */
    params_zero_grad(m->g_ps);
    params_set_requires_grad(m->d_ps, 0);
    Tensor *loss = mean_softplus(sg2_discriminator(t->net, augment(t, img, rng), c), -1);
    mg_backward(loss);
    params_set_requires_grad(m->d_ps, 1);
    adam_step(&t->opt_g, m->g_ps);
    sg2_track_w_avg(t->net, w, t->w_avg_beta);
    return tensor_item(loss);
}

static float g_path_length(Sg2Trainer *t, Rng *rng) {
    GanModel *m = t->m;
    const int n = t->batch / 2 > 0 ? t->batch / 2 : 1, r = m->size;
    float *pl_mean = gan_stylegan2_pl_mean(m);
    mg_step_reset();
    Tensor *w, *c;
    Tensor *ws = sample_ws(t, n, rng, &w, &c);                                     /* [n,L,Wd] */
    Tensor *img = sg2_synthesis(t->net, ws, SG2_NOISE_RANDOM, rng);                /* [n,C,R,R] */
    Tensor *y = tensor_new(img->ndim, img->shape);
    rng_normal(rng, y->data, tensor_numel(y), 0, 1.0f / (float)r);
    Tensor *out = mg_sum_all(mg_mul(img, y)), *g;
    mg_grad(1, &out, NULL, 1, &ws, &g, 1);                                         /* [n,L,Wd] */
    Tensor *len = mg_sqrt(mg_mean(mg_sum(mg_square(g), 1u << 2, 0), 1u << 1, 0)); /* [n] */
    double mean = 0;
    for (int i = 0; i < n; i++) mean += len->data[i];
    *pl_mean += t->pl_decay * ((float)(mean / n) - *pl_mean);
    Tensor *pen = mg_mean_all(mg_square(mg_affine(len, 1.0f, -*pl_mean)));
    params_zero_grad(m->g_ps);
    mg_backward(mg_affine(pen, t->pl_weight * (float)t->pl_interval, 0));
    adam_step(&t->opt_g, m->g_ps);
    return tensor_item(pen);
}

/* the one-hot classes [N,K] of the real batch (conditional), or NULL */
static Tensor *real_classes(Sg2Trainer *t, const int *labels) {
    if (!t->net->s.c_dim) return NULL;
    MG_CHECK(labels, "sg2 step: a conditional model needs the labels of the real batch");
    return sg2_onehot(t->net, t->batch, labels);
}

static float d_main(Sg2Trainer *t, const float *real, const int *labels, Rng *rng) {
    GanModel *m = t->m;
    const int n = t->batch;
    mg_step_reset();
    Tensor *w, *c;
    int old = mg_set_grad_enabled(0);
    Tensor *fake = sg2_synthesis(t->net, sample_ws(t, n, rng, &w, &c), SG2_NOISE_RANDOM, rng);
    mg_set_grad_enabled(old);
    Tensor *x = tensor_wrap(TSHAPE(n, m->channels, m->size, m->size), (float *)real);
    params_zero_grad(m->d_ps);
    Tensor *lf = sg2_discriminator(t->net, augment(t, mg_detach(fake), rng), c);
    Tensor *lr = sg2_discriminator(t->net, augment(t, x, rng), real_classes(t, labels));   /* [N,1] */
    Tensor *loss = mg_add(mean_softplus(lf, 1), mean_softplus(lr, -1));
    mg_backward(loss);
    adam_step(&t->opt_d, m->d_ps);
    if (t->aug.observe_real) t->aug.observe_real(t->aug.ctx, lr);
    return tensor_item(loss);
}

static float d_r1(Sg2Trainer *t, const float *real, const int *labels, Rng *rng) {
    GanModel *m = t->m;
    mg_step_reset();
    Tensor *x = tensor_from(TSHAPE(t->batch, m->channels, m->size, m->size), real);
    x->requires_grad = 1;
    Tensor *lr = sg2_discriminator(t->net, augment(t, x, rng), real_classes(t, labels)), *g;
    mg_grad(1, &lr, NULL, 1, &x, &g, 1);                                            /* [N,C,R,R] */
    Tensor *pen = mg_mean_all(mg_sum(mg_square(g), 1u << 1 | 1u << 2 | 1u << 3, 0));
    params_zero_grad(m->d_ps);
    mg_backward(mg_affine(pen, 0.5f * t->r1_gamma * (float)t->r1_interval, 0));
    adam_step(&t->opt_d, m->d_ps);
    return tensor_item(pen);
}

Sg2StepResult sg2_train_step(Sg2Trainer *t, long step, GanBatchFn next_real, void *ctx, Rng *rng) {
    Sg2StepResult r = {0};
    if (t->grow_kimg > 0) sg2_grow_apply(t->net, t->grow_kimg, (double)step * t->batch);
    r.loss_g = g_main(t, rng, step);
    if (t->pl_weight > 0 && step % t->pl_interval == 0) r.pl = g_path_length(t, rng);
    if (t->ema) {                               /* the reference's EMA: half-life ema_kimg, ramped up */
        double nimg = t->ema_kimg * 1000.0, shown = (double)step * t->batch;
        if (t->ema_rampup > 0 && shown * t->ema_rampup < nimg) nimg = shown * t->ema_rampup;
        t->ema->decay = nimg > 0 ? (float)pow(0.5, t->batch / nimg) : 0.0f;
        ema_update(t->ema, t->m->g_ps);
    }
    const int *labels = NULL;
    const float *real = next_real(ctx, step, &labels);
    r.loss_d = d_main(t, real, labels, rng);
    if (t->r1_gamma > 0 && step % t->r1_interval == 0) r.r1 = d_r1(t, real, labels, rng);
    return r;
}
