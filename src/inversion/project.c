/* The projector (see project.h). */
#include "inversion/project.h"
#include "core/error.h"
#include "inversion/noise_maps.h"
#include "inversion/perceptual.h"
#include "models/sg2_features.h"
#include "train/model_stylegan2.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ProjectOpts project_defaults(void) {
    return (ProjectOpts){.space = SPACE_W, .steps = 1000, .lr = 0.1f, .rampup = 0.05f, .rampdown = 0.25f, .w_noise = 0.05f,
                         .noise_ramp = 0.75f, .noise_opt = 0, .noise_reg = 1e5f, .l2 = 1.0f, .perceptual = 1.0f,
                         .beta1 = 0.9f, .beta2 = 0.999f, .seed = 1, .frame_every = 0};
}

void project_schedule(const ProjectOpts *o, int step, float w_std, float *lr, float *noise_std) {
    const double t = (double)step / o->steps;
    const double fade = o->noise_ramp > 0 ? fmax(0.0, 1.0 - t / o->noise_ramp) : 0.0;
    *noise_std = (float)(w_std * o->w_noise * fade * fade);
    double ramp = o->rampdown > 0 ? fmin(1.0, (1.0 - t) / o->rampdown) : 1.0;
    ramp = 0.5 - 0.5 * cos(ramp * M_PI);
    if (o->rampup > 0) ramp *= fmin(1.0, t / o->rampup);
    *lr = (float)(o->lr * ramp);
}

static size_t img_numel(const Projector *p) { return (size_t)p->g->s.channels * p->g->s.resolution * p->g->s.resolution; }

static Tensor *targets_tensor(const Projector *p) {
    const int C = p->g->s.channels, R = p->g->s.resolution;
    return tensor_wrap(TSHAPE(p->n, C, R, R), (float *)p->targets);
}

Tensor *projector_loss(const Projector *p, Tensor *ws, Tensor *const *noise, Tensor **l2_out, Tensor **perc_out,
                       Tensor **img_out) {
    const Sg2 *g = p->g;
    const int nn = sg2_num_noise(g);
    Tensor *nz[2 * SG2_MAX_BLOCKS];
    for (int k = 0; k < nn; k++) nz[k] = noise && noise[k] ? noise[k] : sg2_noise_const(g, k);
    Tensor *img = sg2_synthesis_noise(g, ws, nz);                                        /* [n,C,R,R] */
    Tensor *l2 = dist_l2(img, targets_tensor(p)), *perc = NULL;                          /* [n] */
    Tensor *per = mg_affine(l2, p->o.l2, 0);
    if (p->o.perceptual != 0) {
        Tensor *f[PERC_MAX_FEATURES], *u[PERC_MAX_FEATURES];
        perc_net_features(&p->perc, img, f);
        for (int l = 0; l < perc_net_count(&p->perc); l++) u[l] = tensor_wrap(f[l]->ndim, f[l]->shape, p->target_unit[l]);
        perc = perc_net_distance(&p->perc, f, u);
        per = mg_add(per, mg_affine(perc, p->o.perceptual, 0));
    }
    Tensor *loss = mg_sum_all(per);
    for (int k = 0; k < nn && p->o.noise_opt && p->o.noise_reg > 0; k++)
        loss = mg_add(loss, mg_affine(mg_sum_all(noise_autocorr_reg(p->noise[k])), p->o.noise_reg, 0));
    if (l2_out) *l2_out = l2;
    if (perc_out) *perc_out = perc;
    if (img_out) *img_out = img;
    return loss;
}

static void compute_target_features(Projector *p) {
    int old = mg_set_grad_enabled(0);
    mg_step_reset();
    Tensor *f[PERC_MAX_FEATURES];
    perc_net_features(&p->perc, targets_tensor(p), f);
    for (int l = 0; l < perc_net_count(&p->perc); l++) {
        Tensor *u = perc_unit(f[l]);
        p->target_unit[l] = mg_xmalloc(tensor_numel(u) * sizeof(float));
        memcpy(p->target_unit[l], u->data, tensor_numel(u) * sizeof(float));
    }
    mg_set_grad_enabled(old);
    mg_step_reset();
}

int projector_init(Projector *p, GanModel *m, const WStats *st, const float *targets, int n, const float *init,
                   const ProjectOpts *o) {
    memset(p, 0, sizeof *p);
    const Sg2 *g = gan_stylegan2_net(m);
    if (!g) return mg_error_set("projection needs a StyleGAN2 model (morphogan train --cfg stylegan2)");
    if (o->steps < 1) return mg_error_set("--steps %d: at least 1", o->steps);
    if (n < 1) return mg_error_set("nothing to project");
    if (st->dim != g->s.w_dim) return mg_error_set("w statistics of size %d for a model with w of size %d", st->dim, g->s.w_dim);
    if (o->lpips && g->s.resolution < 16) return mg_error_set("LPIPS-VGG needs images of at least 16x16 (the model makes %dx%d)", g->s.resolution, g->s.resolution);
    *p = (Projector){.m = m, .g = g, .st = st, .o = *o, .n = n, .targets = targets, .rng = rng_new(o->seed),
                     .perc = {.d = g, .vgg = o->lpips}};
    const int L = g->num_ws, D = g->s.w_dim, nn = sg2_num_noise(g), rows = o->space == SPACE_W ? 1 : L;
    p->vars = params_new();
    p->v = o->space == SPACE_W ? params_add(p->vars, "w", TSHAPE(n, D)) : params_add(p->vars, "ws", TSHAPE(n, L, D));
    char name[MG_PARAM_NAME];
    for (int k = 0; k < nn && o->noise_opt; k++) {
        snprintf(name, sizeof name, "noise.%d", k);
        const int r = sg2_noise_res(g, k);
        p->noise[k] = params_add(p->vars, name, TSHAPE(n, 1, r, r));
    }
    params_finalize(p->vars);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < rows; j++)
            for (int d = 0; d < D; d++) {
                double x = st->avg[d];
                if (init && rows == 1) {
                    x = 0;
                    for (int l = 0; l < L; l++) x += init[((size_t)i * L + l) * D + d];
                    x /= L;
                } else if (init)
                    x = init[((size_t)i * L + j) * D + d];
                p->v->data[((size_t)i * rows + j) * D + d] = (float)x;
            }
    for (int k = 0; k < nn && o->noise_opt; k++) rng_normal(&p->rng, p->noise[k]->data, tensor_numel(p->noise[k]), 0, 1);
    p->opt = adam_default(o->lr, o->beta1, o->beta2);
    params_set_requires_grad(m->g_ps, 0);
    params_set_requires_grad(m->d_ps, 0);
    compute_target_features(p);        /* for the perceptual term and for reporting it */
    p->max_frames = o->frame_every > 0 ? o->steps / o->frame_every + 2 : 0;
    if (p->max_frames) p->out.frames = mg_xmalloc((size_t)p->max_frames * n * img_numel(p) * sizeof(float));
    p->out.loss = mg_xmalloc((size_t)o->steps * sizeof(float));
    return 0;
}

static Tensor *codes_ws(const Projector *p, Tensor *v) { return p->o.space == SPACE_W ? sg2_broadcast_w(p->g, v) : v; }

float projector_step(Projector *p, int step) {
    const ProjectOpts *o = &p->o;
    float lr, nstd;
    project_schedule(o, step, p->st->std, &lr, &nstd);
    mg_step_reset();
    Tensor *vn = p->v;
    if (nstd > 0) {
        Tensor *eps = tensor_new(p->v->ndim, p->v->shape);
        rng_normal(&p->rng, eps->data, tensor_numel(eps), 0, nstd);
        vn = mg_add(p->v, eps);
    }
    Tensor *img;
    Tensor *loss = projector_loss(p, codes_ws(p, vn), o->noise_opt ? p->noise : NULL, NULL, NULL, &img);
    const float value = tensor_item(loss);
    p->out.loss[step] = value;
    if (p->max_frames && step % o->frame_every == 0 && p->out.nframes < p->max_frames - 1)
        memcpy(p->out.frames + (size_t)p->out.nframes++ * p->n * img_numel(p), img->data, p->n * img_numel(p) * sizeof(float));
    params_zero_grad(p->vars);
    mg_backward(loss);
    p->opt.lr = lr;
    adam_step(&p->opt, p->vars);
    for (int k = 0; k < sg2_num_noise(p->g) && o->noise_opt; k++)
        noise_renormalise(p->noise[k]->data, p->n, sg2_noise_res(p->g, k));
    return value;
}

void projector_finish(Projector *p, ProjectOut *out) {
    const Sg2 *g = p->g;
    const int n = p->n, L = g->num_ws, D = g->s.w_dim, nn = sg2_num_noise(g);
    const size_t in = img_numel(p);
    int old = mg_set_grad_enabled(0);
    mg_step_reset();
    Tensor *ws = codes_ws(p, p->v), *nz[2 * SG2_MAX_BLOCKS];
    for (int k = 0; k < nn; k++) nz[k] = p->o.noise_opt ? p->noise[k] : sg2_noise_const(g, k);
    Tensor *img = sg2_synthesis_noise(g, ws, nz);
    Tensor *l2 = dist_l2(img, targets_tensor(p)), *l1 = dist_l1(img, targets_tensor(p));
    Tensor *f[PERC_MAX_FEATURES], *u[PERC_MAX_FEATURES];
    perc_net_features(&p->perc, img, f);
    for (int l = 0; l < perc_net_count(&p->perc); l++) u[l] = tensor_wrap(f[l]->ndim, f[l]->shape, p->target_unit[l]);
    Tensor *perc = perc_net_distance(&p->perc, f, u);
    *out = p->out;
    out->n = n; out->L = L; out->D = D; out->C = g->s.channels; out->R = g->s.resolution;
    out->codes = mg_xmalloc((size_t)n * L * D * sizeof(float));
    memcpy(out->codes, ws->data, (size_t)n * L * D * sizeof(float));
    out->images = mg_xmalloc((size_t)n * in * sizeof(float));
    memcpy(out->images, img->data, (size_t)n * in * sizeof(float));
    if (p->max_frames) memcpy(out->frames + (size_t)out->nframes++ * n * in, img->data, (size_t)n * in * sizeof(float));
    out->l1 = mg_xmalloc((size_t)n * sizeof(float));
    out->l2 = mg_xmalloc((size_t)n * sizeof(float));
    out->perc = mg_xmalloc((size_t)n * sizeof(float));
    for (int i = 0; i < n; i++) {
        out->l1[i] = l1->data[i];
        out->l2[i] = l2->data[i];
        out->perc[i] = perc->data[i];
    }
    if (p->o.noise_opt) {
        out->n_noise = nn;
        out->noise = mg_xmalloc((size_t)nn * sizeof(float *));
        out->noise_res = mg_xmalloc((size_t)nn * sizeof(int));
        for (int k = 0; k < nn; k++) {
            out->noise_res[k] = sg2_noise_res(g, k);
            out->noise[k] = mg_xmalloc(tensor_numel(p->noise[k]) * sizeof(float));
            memcpy(out->noise[k], p->noise[k]->data, tensor_numel(p->noise[k]) * sizeof(float));
        }
    }
    mg_set_grad_enabled(old);
    mg_step_reset();
    for (int l = 0; l < perc_net_count(&p->perc); l++) free(p->target_unit[l]);
    params_free(p->vars);
    params_set_requires_grad(p->m->g_ps, 1);
    params_set_requires_grad(p->m->d_ps, 1);
    memset(p, 0, sizeof *p);
}

int project_batch(GanModel *m, const WStats *st, const float *targets, int n, const float *init, const ProjectOpts *o,
                  ProjectOut *out) {
    memset(out, 0, sizeof *out);
    Projector p;
    if (projector_init(&p, m, st, targets, n, init, o)) return -1;
    for (int step = 0; step < o->steps; step++) projector_step(&p, step);
    projector_finish(&p, out);
    return 0;
}

void project_out_free(ProjectOut *o) {
    free(o->codes);
    free(o->images);
    free(o->l1);
    free(o->l2);
    free(o->perc);
    for (int k = 0; k < o->n_noise; k++) free(o->noise[k]);
    free(o->noise);
    free(o->noise_res);
    free(o->frames);
    free(o->loss);
    memset(o, 0, sizeof *o);
}
