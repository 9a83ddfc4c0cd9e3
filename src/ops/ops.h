/* The differentiable ops.  Every function computes its result now (define-by-run) and, when
 * recording (core/autodiff.h), records a node whose backward is written with these same ops.
 * Shapes: N batch, C channels, H/W spatial; "[N,C,H,W]" comments give the layout.
 * Binary elementwise ops broadcast NumPy-style (trailing dimensions aligned). */
#ifndef MG_OPS_H
#define MG_OPS_H
#include "core/autodiff.h"
#include "core/rng.h"

/* ---- elementwise (ops/elementwise.c) ---- */
Tensor *mg_add(Tensor *a, Tensor *b);
Tensor *mg_sub(Tensor *a, Tensor *b);
Tensor *mg_mul(Tensor *a, Tensor *b);
Tensor *mg_div(Tensor *a, Tensor *b);
Tensor *mg_affine(Tensor *x, float scale, float shift);      /* scale * x + shift */
Tensor *mg_neg(Tensor *x);
Tensor *mg_exp(Tensor *x);
Tensor *mg_log(Tensor *x);
Tensor *mg_sqrt(Tensor *x);
Tensor *mg_rsqrt(Tensor *x);
Tensor *mg_square(Tensor *x);
Tensor *mg_abs(Tensor *x);
Tensor *mg_tanh(Tensor *x);
Tensor *mg_sigmoid(Tensor *x);
Tensor *mg_softplus(Tensor *x);                               /* log(1 + e^x), stable */
Tensor *mg_relu(Tensor *x);
Tensor *mg_leaky_relu(Tensor *x, float slope);
Tensor *mg_mask_mul(Tensor *g, Tensor *x, float pos, float neg);   /* g * (x > 0 ? pos : neg); x is not differentiated */
/* v * (v > 0 ? gain : slope * gain) with v = x * s + noise + b, one pass (ops/bias_act.c): x [N,C,H,W], s [N,C,1,1],
 * noise [N or 1,1,H,W], b [C]; s, noise, b may be NULL; slope 1, gain 1: no activation; slope >= 0, gain >= 0.5.
 * The same numbers as mg_mul, mg_add, mg_add (b as [C,1,1]) and mg_mask_mul(v, v, gain, slope * gain), forward
 * and backward. */
Tensor *mg_bias_act(Tensor *x, Tensor *s, Tensor *noise, Tensor *b, float slope, float gain);
void mg_accumulate_into(float *dst, const Tensor *g);              /* dst += g (not an op: parameter gradients) */

/* ---- shape (ops/shape.c) ---- */
Tensor *mg_reshape(Tensor *x, int ndim, const int *shape);     /* one dimension may be -1 */
Tensor *mg_permute(Tensor *x, const int *perm);                /* a strided view */
Tensor *mg_contiguous(Tensor *x);
Tensor *mg_expand(Tensor *x, int ndim, const int *shape);      /* broadcast to shape (materialised) */
Tensor *mg_sum_to(Tensor *x, int ndim, const int *shape);      /* sum over broadcast dims: adjoint of expand */
Tensor *mg_mul_sum_to(Tensor *a, Tensor *b, int ndim, const int *shape); /* = mg_sum_to(mg_mul(a, b)), a and b
                                                                 of one shape; the same numbers, no product tensor */
Tensor *mg_concat(int n, Tensor *const *xs, int axis);
Tensor *mg_slice(Tensor *x, int axis, int start, int len);
Tensor *mg_slice_adjoint(Tensor *g, int ndim, const int *full_shape, int axis, int start);  /* zero-pad back */

/* ---- reductions (ops/reduce.c) ---- */
/* axes: bit mask (bit i = reduce dimension i); keepdim keeps reduced dims as size 1 */
Tensor *mg_sum(Tensor *x, unsigned axes, int keepdim);
Tensor *mg_mean(Tensor *x, unsigned axes, int keepdim);
Tensor *mg_sum_all(Tensor *x);                                 /* ndim-0 result */
Tensor *mg_mean_all(Tensor *x);
Tensor *mg_logsumexp(Tensor *x);                               /* over the last axis, kept as size 1 */

/* ---- matrix products (ops/matmul.c) ---- */
Tensor *mg_matmul(Tensor *a, Tensor *b, int trans_a, int trans_b);   /* 2-D: op(a)[M,K] @ op(b)[K,N] */
Tensor *mg_linear(Tensor *x, Tensor *w, Tensor *b);           /* x[N,I] @ w[O,I]^T + b[O] (b may be NULL) */

/* ---- convolutions (ops/conv.c) ---- */
/* Kernels are Kh x Kw (the weight's last two dimensions: square or not, e.g. Inception's 1x7 and 7x1),
 * strides are equal, `pad` pads all four sides. */
typedef struct ConvGeom {
    int stride, pad, out_pad, groups;
} ConvGeom;
/* x[N,Ci,H,W], w[Co,Ci/g,Kh,Kw], b[Co] or NULL -> [N,Co,(H+2p-Kh)/s+1,(W+2p-Kw)/s+1] */
Tensor *mg_conv2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom g);
/* mg_downsample_sum(mg_conv2d(x, w, NULL, stride 1, pad 1), 2) for w [Co,Ci,3,3] (a residual block's "conv then
 * pool"): the same numbers and gradients; on the F(4x4) Winograd path the block sums are taken in its output
 * transform and the full-size output is never written -> [N,Co,H/2,W/2] */
Tensor *mg_conv2d_sumpool2(Tensor *x, Tensor *w);
/* x[N,Ci,H,W], w[Ci,Co/g,Kh,Kw] (PyTorch layout), b[Co] or NULL -> [N,Co,(H-1)s-2p+Kh+op,(W-1)s-2p+Kw+op] */
Tensor *mg_conv_transpose2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom g);
/* The same with pad_h rows (top and bottom) and pad_w columns (left and right) of padding instead of
 * g.pad, as PyTorch's padding=(pad_h, pad_w): Inception's 1x7 convolutions pad (0, 3). */
Tensor *mg_conv2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom g, int pad_h, int pad_w);
Tensor *mg_conv_transpose2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom g, int pad_h, int pad_w);

/* ---- normalisation (ops/norm.c) ---- */
typedef struct BatchNormStats {
    float *running_mean, *running_var;                         /* [C] each; updated in training mode */
    float momentum, eps;                                       /* PyTorch defaults 0.1, 1e-5 */
} BatchNormStats;
/* x[N,C,H,W] or [N,C]; gamma, beta [C] (may be NULL: no affine) */
Tensor *mg_batch_norm(Tensor *x, Tensor *gamma, Tensor *beta, BatchNormStats *st, int training);
/* leaky_relu(batch_norm(x), slope), slope >= 0 (0: ReLU): the same numbers as the two ops, one pass less */
Tensor *mg_batch_norm_act(Tensor *x, Tensor *gamma, Tensor *beta, BatchNormStats *st, int training, float slope);
Tensor *mg_instance_norm(Tensor *x, Tensor *gamma, Tensor *beta, float eps);   /* x[N,C,H,W] */

/* ---- resampling (ops/resample.c) ---- */
Tensor *mg_upsample_nearest(Tensor *x, int factor);            /* [N,C,H,W] -> [N,C,fH,fW] */
Tensor *mg_downsample_sum(Tensor *x, int factor);              /* [N,C,fH,fW] -> [N,C,H,W]: sums of f x f blocks */
Tensor *mg_upsample_bilinear(Tensor *x, int factor);           /* align_corners=False, as PyTorch */
Tensor *mg_avg_pool2d(Tensor *x, int k, int stride, int pad);  /* count_include_pad=True */
/* [N,C,H,W] -> [N,C,Ho,Wo] (F.interpolate(size=(Ho,Wo), mode='bilinear', align_corners=False), no antialiasing) */
Tensor *mg_resize_bilinear(Tensor *x, int Ho, int Wo);

/* ---- pooling (ops/pool.c) ---- */
/* [N,C,H,W] -> [N,C,(H+2p-k)/s+1,(W+2p-k)/s+1], pad <= k/2, padding never wins (as PyTorch's -inf
 * padding); ties go to the first maximum in row-major window order.  Gradients of any order. */
Tensor *mg_max_pool2d(Tensor *x, int k, int stride, int pad);

/* ---- per-sample pixel remapping (ops/gather.c) ---- */
/* x[N,C,H,W] -> [N,C,H,W]: y[n,c,p] = x[n,c,map[n*H*W + p]], or 0 where the entry is -1; map [N,H*W]
 * (pixel p = row*W + col) is shared by the channels of a sample: translations, flips, quarter turns. */
Tensor *mg_gather_pixels(Tensor *x, const int *map);
/* its adjoint: y[n,c,q] = sum of g[n,c,p] over the p with map[n*H*W + p] == q */
Tensor *mg_scatter_add_pixels(Tensor *g, const int *map);

/* ---- regularisation ---- */
Tensor *mg_dropout(Tensor *x, float p, Rng *rng, int training);   /* inverted dropout */

/* ---- losses (ops/loss.c): means over all elements unless stated ---- */
Tensor *mg_bce_with_logits(Tensor *logits, Tensor *targets);
Tensor *mg_mse(Tensor *a, Tensor *b);
Tensor *mg_l1(Tensor *a, Tensor *b);
Tensor *mg_softmax_cross_entropy(Tensor *logits, const int *labels);   /* logits[N,K], mean over N */
Tensor *mg_gaussian_kl(Tensor *mu, Tensor *logvar);            /* KL(N(mu,e^logvar) || N(0,1)) summed over dims, mean over N */
#endif
