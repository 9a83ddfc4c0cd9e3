#include "train/gan_step.h"
#include "core/error.h"
#include <stdlib.h>

void gan_trainer_init(GanTrainer *t, GanModel *m, GanLoss loss, int batch) {
    *t = (GanTrainer){.m = m, .opt_g = adam_default(2e-4f, 0.5f, 0.999f), .opt_d = adam_default(2e-4f, 0.5f, 0.999f),
                      .loss = loss, .gp_lambda = 10.0f, .n_critic = 1, .batch = batch,
                      .z = mg_xmalloc((size_t)batch * m->z_dim * sizeof(float)), .eps = mg_xmalloc((size_t)batch * sizeof(float)),
                      .labels2 = mg_xmalloc(2 * (size_t)batch * sizeof(int))};
}

void gan_trainer_free(GanTrainer *t) {
    free(t->z);
    free(t->eps);
    free(t->labels2);
    t->labels2 = NULL;
    t->z = t->eps = NULL;
}

static Tensor *new_z(GanTrainer *t, Rng *rng) {
    rng_normal(rng, t->z, (size_t)t->batch * t->m->z_dim, 0, 1);
    return tensor_wrap(TSHAPE(t->batch, t->m->z_dim, 1, 1), t->z);
}

/* D on real and fake: separately, or as one batch [2N,...] split back into its halves */
static void d_both(GanTrainer *t, Tensor *real, Tensor *fake, Tensor **pr, Tensor **pf) {
    GanModel *m = t->m;
    if (!t->joint_d) {
        *pf = gan_d(m, fake, 1);
        *pr = gan_d(m, real, 1);
        return;
    }
    Tensor *both[2] = {real, fake};
    const int *one = m->labels;
    if (one) {
        for (int i = 0; i < t->batch; i++) t->labels2[i] = t->labels2[t->batch + i] = one[i];
        m->labels = t->labels2;
    }
    Tensor *out = gan_d(m, mg_concat(2, both, 0), 1);          /* [2N,1,1,1] */
    m->labels = one;
    *pr = mg_slice(out, 0, 0, t->batch);
    *pf = mg_slice(out, 0, t->batch, t->batch);
}

GanStepResult gan_train_step(GanTrainer *t, long step, GanBatchFn next_real, void *ctx, Rng *rng) {
    GanModel *m = t->m;
    const int n = t->batch, reuse = t->n_critic == 1 && !t->fresh_z;
    GanStepResult r = {0};
    Tensor *x = NULL, *fake = NULL, *pr, *pf;
    for (int k = 0; k < t->n_critic; k++) {
        mg_step_reset();
        const int *labels = NULL;
        x = tensor_wrap(TSHAPE(n, m->channels, m->size, m->size),
                        (float *)next_real(ctx, step * t->n_critic + k, &labels));   /* [N,C,S,S] */
        MG_CHECK(!m->n_classes || labels, "gan_train_step: a conditional model needs labelled batches");
        m->labels = labels;
        Tensor *z = new_z(t, rng);
        if (t->loss == GAN_WGAN_GP) rng_uniform(rng, t->eps, n, 0, 1);
        int old = reuse ? mg_grad_enabled() : mg_set_grad_enabled(0);
        fake = gan_g(m, z, 1);                     /* [N,C,S,S] */
        if (!reuse) mg_set_grad_enabled(old);
        params_zero_grad(m->d_ps);
        Tensor *fd = mg_detach(fake);
        d_both(t, x, fd, &pr, &pf);
        Tensor *ld = gan_d_loss(t->loss, pr, pf, t->smooth);
        if (t->loss == GAN_WGAN_GP) {
            Tensor *gp = gan_gradient_penalty(m, x, fd, tensor_wrap(TSHAPE(n, 1, 1, 1), t->eps));
            ld = mg_add(ld, mg_affine(gp, t->gp_lambda, 0.0f));
            r.gp = tensor_item(gp);
        }
        mg_backward(ld);
        adam_step(&t->opt_d, m->d_ps);
        r.loss_d = tensor_item(ld);
    }
    if (!reuse) fake = gan_g(m, new_z(t, rng), 1);
    params_zero_grad(m->g_ps);
    params_set_requires_grad(m->d_ps, 0);                /* no D weight gradients in the G update */
    if (t->joint_d) d_both(t, x, fake, &pr, &pf);
    else pf = gan_d(m, fake, 1);
    Tensor *lg = gan_g_loss(t->loss, pf);
    mg_backward(lg);
    params_set_requires_grad(m->d_ps, 1);
    adam_step(&t->opt_g, m->g_ps);
    if (t->ema) ema_update(t->ema, m->g_ps);
    r.loss_g = tensor_item(lg);
    return r;
}
