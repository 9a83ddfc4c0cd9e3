/* StyleGAN2-style generator: parameters, mapping, synthesis.  The discriminator is in
 * sg2_discriminator.c. */
#include "models/stylegan2.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

int sg2_channels(const Sg2Spec *s, int res) {
    int c = s->ch_base / res;
    return c < s->ch_max ? c : s->ch_max;
}

static int res_of(int block) { return 4 << block; }

int sg2_add(Sg2 *g, Sg2Spec s, ParamStore *g_ps, ParamStore *d_ps, ParamStore *buffers) {
    memset(g, 0, sizeof *g);
    int nb = 1;
    while (res_of(nb - 1) < s.resolution) nb++;
    if (res_of(nb - 1) != s.resolution || s.resolution < 8 || s.resolution > 256)
        return mg_error_set("--resolution %d: stylegan2 needs a power of two from 8 to 256, e.g. --resolution 64", s.resolution);
    if (s.channels != 1 && s.channels != 3) return mg_error_set("--channels %d: 1 (grey) or 3 (RGB)", s.channels);
    if (s.map_layers < 1 || s.map_layers > SG2_MAX_MAP) return mg_error_set("--map-layers %d: 1 to %d", s.map_layers, SG2_MAX_MAP);
    if (s.z_dim < 1 || s.w_dim < 1) return mg_error_set("--z-dim %d / --w-dim %d: must be positive", s.z_dim, s.w_dim);
    if (s.c_dim < 0) return mg_error_set("%d classes: must be 0 (unconditional) or more", s.c_dim);
    if (s.ch_max < 1 || s.ch_base / s.resolution < 1)
        return mg_error_set("--ch-base %d / --ch-max %d: at least one channel at %dx%d", s.ch_base, s.ch_max, s.resolution, s.resolution);
    g->s = s;
    g->nblocks = nb;
    g->num_ws = 2 * (nb - 1) + 2;
    char name[MG_PARAM_NAME];
    for (int i = 0; i < s.map_layers; i++) {                              /* mapping */
        snprintf(name, sizeof name, "map.fc%d", i);
        eq_linear_add(&g->map[i], g_ps, name, i ? s.w_dim : s.z_dim + (s.c_dim ? s.w_dim : 0), s.w_dim, 0.01f, 1);
    }
    if (s.c_dim) eq_linear_add(&g->embed, g_ps, "map.embed", s.c_dim, s.w_dim, 1.0f, 0);
    const int c4 = sg2_channels(&s, 4);
    g->const_input = params_add(g_ps, "syn.const", TSHAPE(c4, 4, 4));
    for (int b = 0; b < nb; b++) {                                        /* synthesis */
        const int r = res_of(b), co = sg2_channels(&s, r), ci = b ? sg2_channels(&s, r / 2) : c4;
        if (b) {
            snprintf(name, sizeof name, "syn.b%d.conv0", r);
            mod_conv_add(&g->conv0[b], g_ps, buffers, name, s.w_dim, ci, co, 3, 1, r, 0);
        }
        snprintf(name, sizeof name, "syn.b%d.conv1", r);
        mod_conv_add(&g->conv1[b], g_ps, buffers, name, s.w_dim, co, co, 3, 0, r, 0);
        snprintf(name, sizeof name, "syn.b%d.torgb", r);
        mod_conv_add(&g->torgb[b], g_ps, buffers, name, s.w_dim, co, s.channels, 1, 0, r, 1);
    }
    g->w_avg = params_add(buffers, "map.w_avg", TSHAPE(s.w_dim));
    /* discriminator: blocks from R down to 8, then the 4x4 epilogue */
    const int cr = sg2_channels(&s, s.resolution);
    eq_conv_add(&g->fromrgb, d_ps, "D.fromrgb", s.channels, cr, 1, 1, 0, 1);
    for (int b = nb - 1; b >= 1; b--) {
        const int r = res_of(b), ci = sg2_channels(&s, r), co = sg2_channels(&s, r / 2);
        snprintf(name, sizeof name, "D.b%d.conv0", r);
        eq_conv_add(&g->dconv0[b], d_ps, name, ci, ci, 3, 1, 0, 1);
        snprintf(name, sizeof name, "D.b%d.conv1", r);
        eq_conv_add(&g->dconv1[b], d_ps, name, ci, co, 3, 1, 1, 1);
        g->dconv1[b].act_gain = sqrtf(0.5f);
        snprintf(name, sizeof name, "D.b%d.skip", r);
        eq_conv_add(&g->dskip[b], d_ps, name, ci, co, 1, 0, 1, 0);
        g->dskip[b].act_gain = sqrtf(0.5f);
    }
    eq_conv_add(&g->econv, d_ps, "D.b4.conv", c4 + 1, c4, 3, 1, 0, 1);
    eq_linear_add(&g->efc, d_ps, "D.b4.fc", c4 * 16, c4, 1.0f, 1);
    eq_linear_add(&g->eout, d_ps, "D.b4.out", c4, s.c_dim ? c4 : 1, 1.0f, 0);
    if (s.c_dim) {                                                        /* D's label mapping -> cmap [N,C4] */
        eq_linear_add(&g->dembed, d_ps, "D.map.embed", s.c_dim, c4, 1.0f, 0);
        for (int i = 0; i < s.map_layers; i++) {
            snprintf(name, sizeof name, "D.map.fc%d", i);
            eq_linear_add(&g->dmap[i], d_ps, name, c4, c4, 0.01f, 1);
        }
    }
    if (s.grow)                                                           /* fromRGB at 8 .. R/2 */
        for (int b = 1; b < nb - 1; b++) {
            snprintf(name, sizeof name, "D.fromrgb%d", res_of(b));
            eq_conv_add(&g->dfromrgb[b], d_ps, name, s.channels, sg2_channels(&s, res_of(b)), 1, 1, 0, 1);
        }
    g->stage = nb - 1;
    g->alpha = 1.0f;
    return 0;
}

void sg2_set_stage(Sg2 *g, int stage, float alpha) {
    const int full = stage == g->nblocks - 1 && alpha == 1.0f;
    MG_CHECK(stage >= 1 && stage < g->nblocks && alpha >= 0.0f && alpha <= 1.0f && (alpha == 1.0f || stage >= 2) && (full || g->s.grow),
             "sg2_set_stage: stage %d alpha %g for a model of %d blocks%s", stage, alpha, g->nblocks, g->s.grow ? "" : " without growing");
    g->stage = stage;
    g->alpha = alpha;
}

int sg2_stage_res(const Sg2 *g) { return res_of(g->stage); }
int sg2_full_stage(const Sg2 *g) { return g->stage == g->nblocks - 1 && g->alpha == 1.0f; }

void sg2_init_values(Sg2 *g, Rng *init) {
    for (int i = 0; i < g->s.map_layers; i++) eq_linear_init(&g->map[i], init, 0.0f);
    rng_normal(init, g->const_input->data, tensor_numel(g->const_input), 0, 1);
    for (int b = 0; b < g->nblocks; b++) {
        if (b) mod_conv_init(&g->conv0[b], init);
        mod_conv_init(&g->conv1[b], init);
        mod_conv_init(&g->torgb[b], init);
    }
    memset(g->w_avg->data, 0, sizeof(float) * g->s.w_dim);
    eq_conv_init(&g->fromrgb, init);
    for (int b = g->nblocks - 1; b >= 1; b--) {
        eq_conv_init(&g->dconv0[b], init);
        eq_conv_init(&g->dconv1[b], init);
        eq_conv_init(&g->dskip[b], init);
    }
    eq_conv_init(&g->econv, init);
    eq_linear_init(&g->efc, init, 0.0f);
    eq_linear_init(&g->eout, init, 0.0f);
    if (g->s.c_dim) {                       /* last, so an unconditional model's draws are unchanged */
        eq_linear_init(&g->embed, init, 0.0f);
        eq_linear_init(&g->dembed, init, 0.0f);
        for (int i = 0; i < g->s.map_layers; i++) eq_linear_init(&g->dmap[i], init, 0.0f);
    }
    if (g->s.grow)                          /* last too: the other layers' draws do not depend on growing */
        for (int b = 1; b < g->nblocks - 1; b++) eq_conv_init(&g->dfromrgb[b], init);
}

static void check_classes(const Sg2 *g, const Tensor *c, int n, const char *where) {
    MG_CHECK(g->s.c_dim ? c && c->ndim == 2 && c->shape[0] == n && c->shape[1] == g->s.c_dim : !c,
             "%s: classes %s for a model of %d classes and %d samples", where, c ? tensor_shape_str(c) : "none", g->s.c_dim, n);
}

Tensor *sg2_onehot(const Sg2 *g, int n, const int *labels) {
    const int k = g->s.c_dim;
    if (!k) return NULL;
    Tensor *c = tensor_zeros(TSHAPE(n, k));
    for (int i = 0; i < n; i++) {
        const int l = labels ? labels[i] : i % k;
        MG_CHECK(l >= 0 && l < k, "stylegan2: class %d of a model of %d classes", l, k);
        c->data[(size_t)i * k + l] = 1.0f;
    }
    return c;
}

Tensor *sg2_mapping(const Sg2 *g, Tensor *z, Tensor *c, float psi) {
    check_classes(g, c, z->shape[0], "sg2_mapping");
    Tensor *x = sg2_normalise(z);                                                                   /* [N,Z] */
    if (c) {
        Tensor *parts[2] = {x, sg2_normalise(eq_linear(&g->embed, c))};
        x = mg_concat(2, parts, 1);                                                             /* [N,Z+Wd] */
    }
    for (int i = 0; i < g->s.map_layers; i++) x = eq_linear(&g->map[i], x);                     /* [N,Wd] */
    if (psi != 1.0f) {
        Tensor *avg = tensor_wrap(TSHAPE(g->s.w_dim), g->w_avg->data);   /* a constant */
        x = mg_add(avg, mg_affine(mg_sub(x, avg), psi, 0));
    }
    return x;
}

void sg2_track_w_avg(Sg2 *g, const Tensor *w, float beta) {
    const int n = w->shape[0], d = w->shape[1];
    for (int j = 0; j < d; j++) {
        double m = 0;
        for (int i = 0; i < n; i++) m += w->data[(size_t)i * d + j];
        g->w_avg->data[j] += (1.0f - beta) * ((float)(m / n) - g->w_avg->data[j]);
    }
}

Tensor *sg2_broadcast_w(const Sg2 *g, Tensor *w) {
    const int n = w->shape[0], d = w->shape[1];
    return mg_expand(mg_reshape(w, TSHAPE(n, 1, d)), TSHAPE(n, g->num_ws, d));   /* [N,num_ws,Wd] */
}

Tensor *sg2_mix(const Sg2 *g, Tensor *a, Tensor *b, int cutoff) {
    if (cutoff <= 0) return b;
    if (cutoff >= g->num_ws) return a;
    Tensor *parts[2] = {mg_slice(a, 1, 0, cutoff), mg_slice(b, 1, cutoff, g->num_ws - cutoff)};
    return mg_concat(2, parts, 1);
}

static Tensor *slot(Tensor *ws, int j) {                                 /* [N,num_ws,Wd] -> [N,Wd] */
    return mg_reshape(mg_slice(ws, 1, j, 1), TSHAPE(ws->shape[0], ws->shape[2]));
}

Tensor *sg2_synthesis(const Sg2 *g, Tensor *ws, Sg2NoiseMode mode, Rng *rng) {
    MG_CHECK(ws->ndim == 3 && ws->shape[1] == g->num_ws && ws->shape[2] == g->s.w_dim,
             "sg2_synthesis: ws %s, expected [N,%d,%d]", tensor_shape_str(ws), g->num_ws, g->s.w_dim);
    const int n = ws->shape[0], c4 = g->const_input->shape[0];
    Tensor *x = mg_expand(mg_reshape(g->const_input, TSHAPE(1, c4, 4, 4)), TSHAPE(n, c4, 4, 4));
    Tensor *img = NULL;
    int j = 0;
    for (int b = 0; b <= g->stage; b++) {
        if (b) x = mod_conv(&g->conv0[b], x, slot(ws, j++), mode, rng);
        x = mod_conv(&g->conv1[b], x, slot(ws, j++), mode, rng);          /* [N,C_r,r,r] */
        Tensor *y = mod_conv(&g->torgb[b], x, slot(ws, j), mode, rng);  /* [N,channels,r,r] */
        if (b == g->stage && g->alpha != 1.0f) y = mg_affine(y, g->alpha, 0);   /* fade-in of the top block */
        img = img ? mg_add(mg_upsample_bilinear(img, 2), y) : y;
    }
    if (g->stage < g->nblocks - 1) img = mg_upsample_bilinear(img, 1 << (g->nblocks - 1 - g->stage));   /* [N,C,R,R] */
    return img;
}
