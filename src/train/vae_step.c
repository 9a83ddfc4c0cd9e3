#include "train/vae_step.h"

VaeStepResult vae_train_step(GanTrainer *t, float beta, long step, GanBatchFn next_real, void *ctx, Rng *rng) {
    GanModel *m = t->m;
    const int n = t->batch, zd = m->z_dim, dim = m->channels * m->size * m->size;
    mg_step_reset();
    Tensor *x = tensor_wrap(TSHAPE(n, m->channels, m->size, m->size), (float *)next_real(ctx, step, NULL));   /* [N,C,S,S] */
    Tensor *h = m->d_forward(m, x, 1);                                      /* [N,2Z,1,1] */
    Tensor *mu = mg_reshape(mg_slice(h, 1, 0, zd), TSHAPE(n, zd));          /* [N,Z] */
    Tensor *logvar = mg_reshape(mg_slice(h, 1, zd, zd), TSHAPE(n, zd));     /* [N,Z] */
    rng_normal(rng, t->z, (size_t)n * zd, 0, 1);
    Tensor *eps = tensor_wrap(TSHAPE(n, zd), t->z);
    Tensor *z = mg_add(mu, mg_mul(mg_exp(mg_affine(logvar, 0.5f, 0.0f)), eps));   /* reparameterisation */
    Tensor *xr = m->g_forward(m, mg_reshape(z, TSHAPE(n, zd, 1, 1)), 1);    /* [N,C,S,S] */
    Tensor *recon = mg_affine(mg_mse(xr, x), (float)dim, 0.0f);
    Tensor *kl = mg_gaussian_kl(mu, logvar);
    Tensor *loss = mg_add(recon, mg_affine(kl, beta, 0.0f));
    params_zero_grad(m->g_ps);
    params_zero_grad(m->d_ps);
    mg_backward(loss);
    adam_step(&t->opt_d, m->d_ps);
    adam_step(&t->opt_g, m->g_ps);
    if (t->ema) ema_update(t->ema, m->g_ps);
    return (VaeStepResult){tensor_item(recon), tensor_item(kl), tensor_item(loss)};
}
