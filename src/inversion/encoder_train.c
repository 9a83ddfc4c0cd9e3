/* Training and using the encoder (see encoder_train.h). */
#include "inversion/encoder_train.h"
#include "inversion/perc_net.h"
#include "core/error.h"
#include "inversion/perceptual.h"
#include "models/sg2_features.h"
#include "train/model_stylegan2.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

EncTrainOpts enc_train_defaults(void) {
    return (EncTrainOpts){.steps = 2000, .batch = 8, .lr = 0.005f, .beta1 = 0.9f, .beta2 = 0.999f, .gen_frac = 0.5f, .recon = 1,
                          .l2 = 1.0f, .perceptual = 0.8f, .delta_reg = 2e-4f, .adv = 0.1f, .lr_d = 2e-4f, .r1_gamma = 10.0f,
                          .r1_every = 16, .consistency = 1.0f, .progressive_every = 0, .seed = 1};
}

int enc_active(const EncTrainOpts *o, long step, int L) {
    if (o->progressive_every <= 0) return L - 1;
    long a = step / o->progressive_every;
    return a < L - 1 ? (int)a : L - 1;
}

int enc_trainer_init(EncTrainer *t, GanModel *m, Encoder *e, LatentDisc *ld, const float *real, int n_real,
                     const EncTrainOpts *o) {
    memset(t, 0, sizeof *t);
    const Sg2 *g = gan_stylegan2_net(m);
    if (!g) return mg_error_set("encoder training needs a StyleGAN2 model");
    if (e->s.resolution != g->s.resolution || e->s.channels != g->s.channels || e->s.w_dim != g->s.w_dim || e->s.num_ws != g->num_ws)
        return mg_error_set("encoder for %dx%dx%d images and codes [%d,%d]; the generator makes %dx%dx%d and [%d,%d]",
                            e->s.channels, e->s.resolution, e->s.resolution, e->s.num_ws, e->s.w_dim, g->s.channels,
                            g->s.resolution, g->s.resolution, g->num_ws, g->s.w_dim);
    if (o->batch < 1 || o->steps < 0) return mg_error_set("--batch %d / --steps %d", o->batch, o->steps);
    if (o->adv > 0 && !ld) return mg_error_set("adversarial weight %g without a latent discriminator", o->adv);
    if (!o->recon && o->consistency <= 0) return mg_error_set("nothing to train: reconstruction off and no consistency weight");
    *t = (EncTrainer){.m = m, .e = e, .ld = o->adv > 0 ? ld : NULL, .o = *o, .rng = rng_new(o->seed), .real = real, .n_real = n_real};
    t->opt_e = adam_default(o->lr, o->beta1, o->beta2);
    t->opt_d = adam_default(o->lr_d, 0.9f, 0.999f);       /* e4e: Adam (0.9, 0.999) for the latent discriminator */
    const size_t in = (size_t)g->s.channels * g->s.resolution * g->s.resolution;
    t->x = mg_xmalloc((size_t)o->batch * in * sizeof(float));
    t->wgen = mg_xmalloc((size_t)o->batch * g->s.w_dim * sizeof(float));
    t->fake = mg_xmalloc((size_t)o->batch * g->s.w_dim * sizeof(float));
    params_set_requires_grad(m->g_ps, 0);
    params_set_requires_grad(m->d_ps, 0);
    return 0;
}

void enc_trainer_free(EncTrainer *t) {
    if (t->m) {
        params_set_requires_grad(t->m->g_ps, 1);
        params_set_requires_grad(t->m->d_ps, 1);
    }
    free(t->x);
    free(t->wgen);
    free(t->fake);
    memset(t, 0, sizeof *t);
}

static Tensor *const_noise_synthesis(const Sg2 *g, Tensor *ws) {
    Tensor *nz[2 * SG2_MAX_BLOCKS];
    for (int k = 0; k < sg2_num_noise(g); k++) nz[k] = sg2_noise_const(g, k);
    return sg2_synthesis_noise(g, ws, nz);
}

/* unit D features of images, as constants (no graph) */
static void unit_features(const PercNet *pn, Tensor *x, Tensor **u) {
    int old = mg_set_grad_enabled(0);
    Tensor *f[PERC_MAX_FEATURES];
    perc_net_features(pn, x, f);
    for (int l = 0; l < perc_net_count(pn); l++) u[l] = perc_unit(f[l]);
    mg_set_grad_enabled(old);
}

static Tensor *perc_to(const PercNet *pn, Tensor *y, Tensor *const *ux) {
    Tensor *f[PERC_MAX_FEATURES];
    perc_net_features(pn, y, f);
    return perc_net_distance(pn, f, ux);
}

/* the batch: generated images (and their w) in rows nr..B-1, real ones in rows 0..nr-1 */
static int fill_batch(EncTrainer *t, int *n_gen) {
    const Sg2 *g = gan_stylegan2_net(t->m);
    const int B = t->o.batch, C = g->s.channels, R = g->s.resolution, D = g->s.w_dim, zd = g->s.z_dim;
    const size_t in = (size_t)C * R * R;
    int ng = (int)lroundf(B * t->o.gen_frac);
    if (t->n_real == 0 || !t->o.recon) ng = B;
    if (ng > B) ng = B;
    const int nr = B - ng;
    for (int i = 0; i < nr; i++) {
        const int k = (int)rng_below(&t->rng, (uint32_t)t->n_real);
        memcpy(t->x + (size_t)i * in, t->real + (size_t)k * in, in * sizeof(float));
    }
    if (ng > 0) {
        int old = mg_set_grad_enabled(0);
        Tensor *z = tensor_new(TSHAPE(ng, zd));
        rng_normal(&t->rng, z->data, tensor_numel(z), 0, 1);
        Tensor *w = sg2_mapping(g, z, sg2_onehot(g, ng, NULL), 1.0f);             /* [ng,D] */
        Tensor *img = const_noise_synthesis(g, sg2_broadcast_w(g, w));
        memcpy(t->wgen, w->data, (size_t)ng * D * sizeof(float));
        memcpy(t->x + (size_t)nr * in, img->data, (size_t)ng * in * sizeof(float));
        mg_set_grad_enabled(old);
    }
    *n_gen = ng;
    return nr;
}

static Tensor *mean_softplus(Tensor *x, float sign) { return mg_mean_all(mg_softplus(sign > 0 ? x : mg_neg(x))); }

static void latent_disc_step(EncTrainer *t, int L, EncStepStats *st) {
    const Sg2 *g = gan_stylegan2_net(t->m);
    const int B = t->o.batch, D = g->s.w_dim;
    LatentDisc *ld = t->ld;
    mg_step_reset();
    int old = mg_set_grad_enabled(0);
    Tensor *z = tensor_new(TSHAPE(B, g->s.z_dim));
    rng_normal(&t->rng, z->data, tensor_numel(z), 0, 1);
    Tensor *real = sg2_mapping(g, z, sg2_onehot(g, z->shape[0], NULL), 1.0f);     /* [B,D] */
    mg_set_grad_enabled(old);
    real = tensor_from(TSHAPE(B, D), real->data);
    Tensor *fake = tensor_wrap(TSHAPE(B, D), t->fake);
    params_zero_grad(ld->ps);
    Tensor *loss = mg_add(mean_softplus(latent_disc(ld, real), -1), mean_softplus(latent_disc(ld, fake), 1));
    mg_backward(loss);
    adam_step(&t->opt_d, ld->ps);
    st->d_loss = tensor_item(loss);
    if (t->o.r1_gamma > 0 && t->o.r1_every > 0 && t->step % t->o.r1_every == 0) {
        mg_step_reset();
        Tensor *rw = tensor_from(TSHAPE(B, D), real->data), *gr;
        rw->requires_grad = 1;
        Tensor *lr = latent_disc(ld, rw);
        mg_grad(1, &lr, NULL, 1, &rw, &gr, 1);
        Tensor *pen = mg_mean_all(mg_sum(mg_square(gr), 1u << 1, 0));
        params_zero_grad(ld->ps);
        mg_backward(mg_affine(pen, 0.5f * t->o.r1_gamma * (float)t->o.r1_every, 0));
        adam_step(&t->opt_d, ld->ps);
        st->r1 = tensor_item(pen);
    }
    (void)L;
}

EncStepStats enc_train_step(EncTrainer *t) {
    const Sg2 *g = gan_stylegan2_net(t->m);
    const EncTrainOpts *o = &t->o;
    const int B = o->batch, C = g->s.channels, R = g->s.resolution, D = g->s.w_dim, L = g->num_ws;
    EncStepStats st = {.active = enc_active(o, t->step, L)};
    mg_step_reset();
    int ng;
    const int nr = fill_batch(t, &ng);
    Tensor *x = tensor_wrap(TSHAPE(B, C, R, R), t->x), *dn;
    if (t->ld) params_set_requires_grad(t->ld->ps, 0);
    Tensor *codes = encoder_forward(t->e, x, st.active, &dn);                    /* [B,L,D] */
    Tensor *loss = mg_affine(mg_mean_all(dn), o->delta_reg, 0);
    st.dreg = tensor_item(mg_mean_all(dn));
    if (o->recon) {
        Tensor *y = const_noise_synthesis(g, codes), *ux[PERC_MAX_FEATURES];
        const PercNet pn = {.d = g, .vgg = o->lpips};
        Tensor *l2 = mg_mean_all(dist_l2(y, x));
        loss = mg_add(loss, mg_affine(l2, o->l2, 0));
        st.l2 = tensor_item(l2);
        if (o->perceptual > 0) {
            unit_features(&pn, x, ux);
            Tensor *pc = mg_mean_all(perc_to(&pn, y, ux));
            loss = mg_add(loss, mg_affine(pc, o->perceptual, 0));
            st.perc = tensor_item(pc);
        }
    }
    if (t->ld) {
        Tensor *adv = NULL;
        for (int i = 0; i <= st.active; i++) {
            Tensor *ci = mg_reshape(mg_slice(codes, 1, i, 1), TSHAPE(B, D));
            Tensor *a = mean_softplus(latent_disc(t->ld, ci), -1);
            adv = adv ? mg_add(adv, a) : a;
        }
        adv = mg_affine(adv, 1.0f / (st.active + 1), 0);
        loss = mg_add(loss, mg_affine(adv, o->adv, 0));
        st.adv = tensor_item(adv);
    }
    if (o->consistency > 0 && ng > 0) {
        Tensor *cg = mg_slice(codes, 0, nr, ng);                                   /* [ng,L,D] */
        Tensor *wg = mg_reshape(tensor_wrap(TSHAPE(ng, D), t->wgen), TSHAPE(ng, 1, D));
        Tensor *cons = mg_mean_all(mg_square(mg_sub(cg, wg)));
        loss = mg_add(loss, mg_affine(cons, o->consistency, 0));
        st.cons = tensor_item(cons);
    }
    st.loss = tensor_item(loss);
    params_zero_grad(t->e->ps);
    mg_backward(loss);
    adam_step(&t->opt_e, t->e->ps);
    if (t->ld) {
        for (int i = 0; i < B; i++) memcpy(t->fake + (size_t)i * D, codes->data + (size_t)i * L * D, D * sizeof(float));
        params_set_requires_grad(t->ld->ps, 1);
        latent_disc_step(t, L, &st);
    }
    t->step++;
    return st;
}

#define ENC_CHUNK 16

void enc_decode(GanModel *m, const float *codes, const float *x, int n, float *recon, float *l1, float *l2, float *perc) {
    const Sg2 *g = gan_stylegan2_net(m);
    const int C = g->s.channels, R = g->s.resolution, D = g->s.w_dim, L = g->num_ws;
    const size_t in = (size_t)C * R * R;
    int old = mg_set_grad_enabled(0);
    for (int i0 = 0; i0 < n; i0 += ENC_CHUNK) {
        const int k = n - i0 < ENC_CHUNK ? n - i0 : ENC_CHUNK;
        mg_step_reset();
        Tensor *ws = tensor_wrap(TSHAPE(k, L, D), (float *)codes + (size_t)i0 * L * D);
        Tensor *xt = tensor_wrap(TSHAPE(k, C, R, R), (float *)x + (size_t)i0 * in), *ux[PERC_MAX_FEATURES];
        const PercNet pn = {.d = g};            /* reported distances: always on D's features */
        Tensor *y = const_noise_synthesis(g, ws);
        if (recon) memcpy(recon + (size_t)i0 * in, y->data, (size_t)k * in * sizeof(float));
        Tensor *a = dist_l1(y, xt), *b = dist_l2(y, xt), *c = NULL;
        if (perc) {
            unit_features(&pn, xt, ux);
            c = perc_to(&pn, y, ux);
        }
        for (int i = 0; i < k; i++) {
            if (l1) l1[i0 + i] = a->data[i];
            if (l2) l2[i0 + i] = b->data[i];
            if (perc) perc[i0 + i] = c->data[i];
        }
    }
    mg_step_reset();
    mg_set_grad_enabled(old);
}

void enc_encode(GanModel *m, const Encoder *e, const float *x, int n, int active, float *codes, float *recon, float *l1,
                float *l2, float *perc) {
    const EncSpec *s = &e->s;
    const size_t in = (size_t)s->channels * s->resolution * s->resolution, cn = (size_t)s->num_ws * s->w_dim;
    int old = mg_set_grad_enabled(0);
    for (int i0 = 0; i0 < n; i0 += ENC_CHUNK) {
        const int k = n - i0 < ENC_CHUNK ? n - i0 : ENC_CHUNK;
        mg_step_reset();
        Tensor *c = encoder_forward(e, tensor_wrap(TSHAPE(k, s->channels, s->resolution, s->resolution), (float *)x + (size_t)i0 * in),
                                    active, NULL);
        memcpy(codes + (size_t)i0 * cn, c->data, (size_t)k * cn * sizeof(float));
    }
    mg_step_reset();
    mg_set_grad_enabled(old);
    if (recon || l1 || l2 || perc) enc_decode(m, codes, x, n, recon, l1, l2, perc);
}
