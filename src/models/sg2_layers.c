#include "models/sg2_layers.h"
#include <math.h>
#include <stdio.h>

static Tensor *add_named(ParamStore *ps, const char *name, const char *suffix, int ndim, const int *shape) {
    char full[2 * MG_PARAM_NAME];
    snprintf(full, sizeof full, "%s%s", name, suffix);
    return params_add(ps, full, ndim, shape);
}

Tensor *sg2_lrelu_gain(Tensor *x, float extra) {
    const float gain = SG2_LRELU_GAIN * extra;
    return mg_mask_mul(x, x, gain, 0.2f * gain);
}

static Tensor *bias4(Tensor *x, Tensor *b, float mul) {                 /* x [N,C,H,W] + mul b [C] */
    Tensor *bb = mg_reshape(b, TSHAPE(b->shape[0], 1, 1));
    return mg_add(x, mul == 1.0f ? bb : mg_affine(bb, mul, 0));
}

/* ---- fully connected ---- */

void eq_linear_add(EqLinear *l, ParamStore *ps, const char *name, int in, int out, float lr_mul, int lrelu) {
    l->w = add_named(ps, name, ".weight", TSHAPE(out, in));
    l->b = add_named(ps, name, ".bias", TSHAPE(out));
    l->lr_mul = lr_mul;
    l->lrelu = lrelu;
}

void eq_linear_init(EqLinear *l, Rng *init, float bias_init) {
    rng_normal(init, l->w->data, tensor_numel(l->w), 0, 1.0f / l->lr_mul);
    for (int i = 0; i < l->b->shape[0]; i++) l->b->data[i] = bias_init / l->lr_mul;
}

Tensor *eq_linear(const EqLinear *l, Tensor *x) {
    const float g = l->lr_mul / sqrtf((float)l->w->shape[1]);
    Tensor *y = mg_linear(x, mg_affine(l->w, g, 0), l->lr_mul == 1.0f ? l->b : mg_affine(l->b, l->lr_mul, 0));   /* [N,O] */
    return l->lrelu ? sg2_lrelu_gain(y, 1.0f) : y;
}

/* ---- plain convolution (discriminator) ---- */

Tensor *sg2_normalise(Tensor *x) { return mg_mul(x, mg_rsqrt(mg_affine(mg_mean(mg_square(x), 1u << 1, 1), 1.0f, 1e-8f))); }

void eq_conv_add(EqConv *c, ParamStore *ps, const char *name, int in, int out, int k, int bias, int down, int lrelu) {
    c->w = add_named(ps, name, ".weight", TSHAPE(out, in, k, k));
    c->b = bias ? add_named(ps, name, ".bias", TSHAPE(out)) : NULL;
    c->k = k;
    c->down = down;
    c->lrelu = lrelu;
    c->act_gain = 1.0f;
}

void eq_conv_init(EqConv *c, Rng *init) {
    rng_normal(init, c->w->data, tensor_numel(c->w), 0, 1);
    if (c->b) for (int i = 0; i < c->b->shape[0]; i++) c->b->data[i] = 0;
}

Tensor *eq_conv(const EqConv *c, Tensor *x) {
    const int fan_in = c->w->shape[1] * c->k * c->k, linear = !c->b && !c->lrelu;
    /* the weight's scale takes a linear layer's gain (the residual skip) and the 1/4 of the 2x2 average
     * pool, which is then a sum of blocks: no pass over the activations for either */
    const float scale = 1.0f / sqrtf((float)fan_in) * (linear ? c->act_gain : 1.0f) * (c->down ? 0.25f : 1.0f);
    /* a 1x1 kernel commutes with the pool: pooled first, a quarter of the products (as the reference
     * implementation does); a 3x3 kernel is pooled after the convolution */
    if (c->down && c->k == 1) x = mg_downsample_sum(x, 2);
    Tensor *w = mg_affine(c->w, scale, 0), *y;
    if (c->down && c->k == 3) y = mg_conv2d_sumpool2(x, w);     /* conv then block sums, fused where it can be */
    else {
        y = mg_conv2d(x, w, NULL, (ConvGeom){1, c->k / 2, 0, 1});
        if (c->down && c->k != 1) y = mg_downsample_sum(y, 2);
    }
    if (c->b && c->lrelu) return mg_bias_act(y, NULL, NULL, c->b, 0.2f, SG2_LRELU_GAIN * c->act_gain);   /* one pass */
    if (c->b) y = bias4(y, c->b, 1.0f);
    if (c->lrelu) return sg2_lrelu_gain(y, c->act_gain);
    return y;
}

/* ---- modulated convolution (synthesis) ---- */

void mod_conv_add(ModConv *c, ParamStore *ps, ParamStore *buffers, const char *name, int w_dim, int in, int out, int k,
                  int up, int res, int torgb) {
    char an[MG_PARAM_NAME];
    snprintf(an, sizeof an, "%s.affine", name);
    eq_linear_add(&c->affine, ps, an, w_dim, in, 1.0f, 0);
    c->w = add_named(ps, name, ".weight", TSHAPE(out, in, k, k));
    c->b = add_named(ps, name, ".bias", TSHAPE(out));
    c->noise_strength = torgb ? NULL : add_named(ps, name, ".noise_strength", TSHAPE(1));
    c->noise_const = torgb ? NULL : add_named(buffers, name, ".noise_const", TSHAPE(1, 1, res, res));
    c->in = in;
    c->out = out;
    c->k = k;
    c->up = up;
    c->res = res;
    c->demod = !torgb;
}

void mod_conv_init(ModConv *c, Rng *init) {
    eq_linear_init(&c->affine, init, 1.0f);
    rng_normal(init, c->w->data, tensor_numel(c->w), 0, 1);
    for (int i = 0; i < c->out; i++) c->b->data[i] = 0;
    if (c->noise_strength) c->noise_strength->data[0] = 0;
    if (c->noise_const) rng_normal(init, c->noise_const->data, tensor_numel(c->noise_const), 0, 1);
}

static Tensor *demod_coeffs(Tensor *weight, Tensor *styles) {                                  /* [N,O,1,1] */
    const int n = styles->shape[0], out = weight->shape[0];
    Tensor *wsq = mg_sum(mg_square(weight), 1u << 2 | 1u << 3, 0);                         /* [O,I] */
    Tensor *d = mg_rsqrt(mg_affine(mg_matmul(mg_square(styles), wsq, 0, 1), 1.0f, 1e-8f));   /* [N,O] */
    return mg_reshape(d, TSHAPE(n, out, 1, 1));
}

/* conv(up(x * s), weight), up: bilinear 2x or none.  The per-channel scale commutes with the upsampling,
 * so it is applied at the input's resolution (a quarter of the pass when up). */
static Tensor *modulated_input_conv(Tensor *x, Tensor *weight, Tensor *styles, int up) {
    const int n = x->shape[0], in = weight->shape[1], k = weight->shape[2];
    Tensor *xs = mg_mul(x, mg_reshape(styles, TSHAPE(n, in, 1, 1)));                        /* [N,I,h,h] */
    if (up) xs = mg_upsample_bilinear(xs, 2);                                               /* [N,I,2h,2h] */
    return mg_conv2d(xs, weight, NULL, (ConvGeom){1, k / 2, 0, 1});
}

Tensor *sg2_modulated_conv(Tensor *x, Tensor *weight, Tensor *styles, int demod) {
    Tensor *y = modulated_input_conv(x, weight, styles, 0);
    return demod ? mg_mul(y, demod_coeffs(weight, styles)) : y;
}

Tensor *mod_conv_noise(const ModConv *c, Tensor *x, Tensor *w, Tensor *noise) {
    const float g = 1.0f / sqrtf((float)(c->in * c->k * c->k));
    Tensor *s = eq_linear(&c->affine, w);                               /* [N,I] */
    if (!c->demod) s = mg_affine(s, g, 0);
    Tensor *weight = c->demod ? mg_affine(c->w, g, 0) : c->w;
    Tensor *y = modulated_input_conv(x, weight, s, c->up);              /* [N,O,res,res] */
    Tensor *d = c->demod ? demod_coeffs(weight, s) : NULL;              /* [N,O,1,1] */
    Tensor *nz = c->noise_strength && noise ? mg_mul(noise, c->noise_strength) : NULL;   /* [N or 1,1,res,res] */
    /* y * d + noise + b, then leaky ReLU x sqrt(2) (toRGB: + b only), in one pass */
    return mg_bias_act(y, d, nz, c->b, c->demod ? 0.2f : 1.0f, c->demod ? SG2_LRELU_GAIN : 1.0f);
}

Tensor *mod_conv(const ModConv *c, Tensor *x, Tensor *w, Sg2NoiseMode mode, Rng *rng) {
    Tensor *nz = NULL;
    if (c->noise_strength && mode == SG2_NOISE_CONST) nz = c->noise_const;         /* [1,1,res,res] */
    else if (c->noise_strength && mode == SG2_NOISE_RANDOM) {
        nz = tensor_new(TSHAPE(x->shape[0], 1, c->res, c->res));
        rng_normal(rng, nz->data, tensor_numel(nz), 0, 1);
    }
    return mod_conv_noise(c, x, w, nz);
}
