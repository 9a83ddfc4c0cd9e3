/* The layers of the StyleGAN2-style networks (models/stylegan2.h), as functions over ops.
 *
 * Equalised learning rate everywhere: a weight is stored as N(0, 1) / lr_mul and scaled at run
 * time by lr_mul / sqrt(fan_in), so Adam sees every layer at the same scale (Karras et al. 2018).
 * Biases are stored / lr_mul as well and scaled by lr_mul.  Every function here records its ops,
 * so gradients of gradients (R1, path length) flow through them. */
#ifndef MG_SG2_LAYERS_H
#define MG_SG2_LAYERS_H
#include "ops/ops.h"
#include "optim/params.h"
#include "core/rng.h"

#define SG2_LRELU_GAIN 1.41421356237f         /* sqrt(2): keeps the activations' scale through leaky ReLU */

/* y = x [N,I] @ (g w)^T + lr_mul b, g = lr_mul / sqrt(I); w [O,I], b [O] or NULL.  lrelu: leaky ReLU
 * 0.2 times sqrt(2) after the bias. */
typedef struct EqLinear {
    Tensor *w, *b;
    float lr_mul;
    int lrelu;
} EqLinear;
void eq_linear_add(EqLinear *l, ParamStore *ps, const char *name, int in, int out, float lr_mul, int lrelu);
void eq_linear_init(EqLinear *l, Rng *init, float bias_init);   /* w ~ N(0, 1) / lr_mul, b = bias_init / lr_mul */
Tensor *eq_linear(const EqLinear *l, Tensor *x);                 /* [N,I] -> [N,O] */

/* leaky ReLU (slope 0.2) times sqrt(2) x extra, in one pass: x * (x > 0 ? gain : 0.2 gain).  The mask
 * input of mg_mask_mul is not differentiated, so the gradient is that of the two ops, to every order. */
Tensor *sg2_lrelu_gain(Tensor *x, float extra);

/* x [N,F] / sqrt(mean_F x^2 + 1e-8): the reference's normalize_2nd_moment (z and label embeddings) */
Tensor *sg2_normalise(Tensor *x);

/* A convolution with equalised learning rate: x [N,I,H,W] -> [N,O,H,W] ("same" padding), then
 * bias and (optionally) leaky ReLU x sqrt(2) x act_gain (without bias and activation: x act_gain, taken
 * in the weight's scale).  down: average-pool 2x2 after the convolution (before the bias), halving H and W;
 * a 1x1 kernel is pooled first instead, the same function in a quarter of the products. */
typedef struct EqConv {
    Tensor *w, *b;              /* [O,I,k,k], [O] or NULL */
    int k, down, lrelu;
    float act_gain;             /* extra factor after the activation (sqrt(1/2) in residual blocks) */
} EqConv;
void eq_conv_add(EqConv *c, ParamStore *ps, const char *name, int in, int out, int k, int bias, int down, int lrelu);
void eq_conv_init(EqConv *c, Rng *init);                         /* w ~ N(0, 1), b = 0 */
Tensor *eq_conv(const EqConv *c, Tensor *x);

/* A modulated convolution layer of the synthesis network:
 *   s = A(w) [N,I] (affine, bias 1);  x' = conv(x * s, g W) ;  demod: x' *= rsqrt(sum_{i,k} (g W)^2 s^2 + 1e-8) [N,O]
 *   + noise [N,1,H,W] * strength;  + b;  leaky ReLU x sqrt(2)
 * (StyleGAN2's non-fused form: modulating the input instead of the weight is the same function
 * and needs no grouped convolution.)  up: bilinear 2x upsampling of x before the convolution.
 * The toRGB variant: k = 1, no demodulation, no noise, linear, s scaled by g instead of W. */
typedef struct ModConv {
    EqLinear affine;            /* w [N,Wd] -> s [N,I] */
    Tensor *w, *b;              /* [O,I,k,k], [O] */
    Tensor *noise_strength;     /* [1] or NULL (toRGB) */
    Tensor *noise_const;        /* [1,1,H,W] buffer: the fixed noise of evaluation, or NULL */
    int in, out, k, up, demod, res;
} ModConv;

typedef enum { SG2_NOISE_RANDOM, SG2_NOISE_CONST, SG2_NOISE_NONE } Sg2NoiseMode;

/* The modulated convolution itself: x [N,I,H,W], weight [O,I,k,k] (already scaled), styles [N,I]
 * -> conv(x * s, weight) [* rsqrt(s^2 @ sum_k weight^2 ^T + 1e-8) when demod]: [N,O,H,W] */
Tensor *sg2_modulated_conv(Tensor *x, Tensor *weight, Tensor *styles, int demod);
void mod_conv_add(ModConv *c, ParamStore *ps, ParamStore *buffers, const char *name, int w_dim, int in, int out, int k,
                  int up, int res, int torgb);
void mod_conv_init(ModConv *c, Rng *init);
/* x [N,I,h,h] (h = res or res/2 when up), w [N,Wd] -> [N,O,res,res].  rng: noise draws (RANDOM mode). */
Tensor *mod_conv(const ModConv *c, Tensor *x, Tensor *w, Sg2NoiseMode mode, Rng *rng);
/* the same with the noise given: [N or 1,1,res,res], or NULL for none */
Tensor *mod_conv_noise(const ModConv *c, Tensor *x, Tensor *w, Tensor *noise);
#endif
