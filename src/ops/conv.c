/* Convolutions as one closed family of three bilinear ops (shapes for one conv2d:
 * x [N,Ci,H,W], w [Co,Ci/g,Kh,Kw], y [N,Co,Ho,Wo]):
 *
 *   conv_fwd(x, w)      -> y    forward convolution
 *   conv_dx(gy, w; xs)  -> gx   gradient wrt the input = transposed convolution
 *   conv_dw(x, gy)      -> gw   gradient wrt the weight
 *
 * The derivative of each one with respect to each of its inputs is one of the three, so gradients
 * of gradients (R1, WGAN-GP) need nothing else:
 *   conv_fwd: d/dx = conv_dx(u, w), d/dw = conv_dw(x, u)
 *   conv_dx:  d/dgy = conv_fwd(u, w), d/dw = conv_dw(u, gy)
 *   conv_dw:  d/dx = conv_dx(gy, u), d/dgy = conv_fwd(x, u)
 * conv_transpose2d is conv_dx with PyTorch's ConvTranspose2d weight layout [Ci,Co/g,Kh,Kw], which is
 * exactly the layout of the weight of the convolution it transposes.
 * How each is computed (ops/conv_plan.h): one sgemm when the input is a single kernel window; Winograd
 * F(2x2, 3x3) or F(4x4, 3x3) for 3x3 padding-1 stride-1 convolutions of images of at least 8x8 (ops/conv_wino.c); the
 * column layout for other stride-1 convolutions without groups (ops/conv_cols.c); im2row / row2im
 * otherwise (ops/conv_rows.c).  When a backward needs both of its gradients and both go through the
 * column or row layout, one pass computes the two and shares the layout work (conv_pair).
 * A bias is added inside conv_fwd / conv_dx (chunk by chunk on the column and row paths, while the output is
 * in cache), rounded as mg_add(y, reshape(b)) would, and its gradient is that add's: the same numbers, one
 * pass and one tensor less. */
#include "ops/ops.h"
#include "ops/conv_plan.h"
#include "kernels/gemm.h"

Arena *conv_scratch(void) {
    static Arena *a;
    if (!a) a = arena_new(16u << 20);
    arena_reset(a);
    return a;
}

static void set_geo(Node *n, Geo g) {
    if (n) { n->p[0] = g.stride; n->p[1] = g.ph; n->p[2] = g.pw; n->p[3] = g.groups; }
}
static Geo get_geo(const Node *n) { return (Geo){n->p[0], n->p[1], n->p[2], n->p[3]}; }

static Tensor *conv_fwd(Tensor *x, Tensor *w, Tensor *b, Geo g);
static Tensor *conv_dx(Tensor *gy, Tensor *w, Tensor *b, const int *xs, Geo g);
static Tensor *conv_dw(Tensor *x, Tensor *gy, Geo g, int Kh, int Kw);
static int conv_pair(Tensor *x, Tensor *gy, Tensor *w, Geo g, Tensor **y, Tensor **gx, Tensor **gw);

/* the gradient of a per-channel bias b [C] added to u's shape [N,C,H,W]: u summed to [1,C,1,1], then [C],
 * the ops (and numbers) of mg_add(y, reshape(b)) */
static Tensor *bias_grad(Tensor *u) {
    Tensor *s = mg_sum_to(u, 4, (int[]){1, u->shape[1], 1, 1});
    return mg_reshape(s, TSHAPE(u->shape[1]));
}

static void fwd_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *w = n->in[1];
    if (n->nin == 3 && need[2]) gin[2] = bias_grad(u);
    if (need[0] && need[1] && conv_pair(x, u, w, get_geo(n), NULL, &gin[0], &gin[1])) return;
    if (need[0]) gin[0] = conv_dx(u, w, NULL, x->shape, get_geo(n));
    if (need[1]) gin[1] = conv_dw(x, u, get_geo(n), w->shape[2], w->shape[3]);
}
static void dx_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *gy = n->in[0], *w = n->in[1];
    if (n->nin == 3 && need[2]) gin[2] = bias_grad(u);
    if (need[0] && need[1] && conv_pair(u, gy, w, get_geo(n), &gin[0], NULL, &gin[1])) return;
    if (need[0]) gin[0] = conv_fwd(u, w, NULL, get_geo(n));
    if (need[1]) gin[1] = conv_dw(u, gy, get_geo(n), w->shape[2], w->shape[3]);
}
static void dw_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *gy = n->in[1];
    if (need[0]) gin[0] = conv_dx(gy, u, NULL, x->shape, get_geo(n));
    if (need[1]) gin[1] = conv_fwd(x, u, NULL, get_geo(n));
}

/* The input is exactly one kernel window (H = Kh, W = Kw, no padding, 1x1 output, one group): then
 * im2row is the identity, x is already rows [N, Ci*Kh*Kw], and each family op is a single sgemm
 * (the first layer of a generator, a transposed conv of a 1x1 latent, and final 1x1 critics). */
static int single_window(const int *xs, int Kh, int Kw, Geo g) {
    return g.groups == 1 && g.ph == 0 && g.pw == 0 && xs[2] == Kh && xs[3] == Kw;
}

/* stride 1: the transposed convolution is the forward convolution of gy with the kernel turned by 180
 * degrees and its in/out channels swapped, padding K-1-p: one sgemm of depth Co*Kh*Kw, as the forward,
 * instead of depth Co followed by a col2im scatter.  Only where K-1-p <= p ("same" or shrinking
 * convolutions): a generator's transposed convolution of a small image (p = 0) would pad it by K-1 and
 * multiply mostly zeros (the course G: 3x3 -> 6x6, 4x the work). */
static int turned_dx(int Kh, int Kw, Geo g) {
    return column_path(g) && Kh - 1 - g.ph >= 0 && Kw - 1 - g.pw >= 0 && 2 * g.ph >= Kh - 1 && 2 * g.pw >= Kw - 1;
}

/* the job of geometry g between x [N,Ci,H,W] (xs) and y [N,Co,Ho,Wo] (ys); the caller sets its tensors */
static ConvJob job_of(const int *xs, const int *ys, int Kh, int Kw, Geo g, MgDevice dev) {
    return (ConvJob){.N = xs[0], .Ci = xs[1], .H = xs[2], .W = xs[3], .Co = ys[1], .Ho = ys[2], .Wo = ys[3],
                     .Kh = Kh, .Kw = Kw, .g = g, .dev = dev};
}
static void run_job(const ConvJob *j) {
    if (column_path(j->g)) conv_cols(j);
    else conv_rows(j);
}

/* out [N,C,H,W] += bias [C] (NULL: nothing), on the paths outside the jobs (which add it chunk by chunk) */
static void add_bias(Tensor *out, const float *bias) {
    if (bias) KERNEL(out->dev, add_channel_bias)(out->data, out->shape[0], out->shape[1], (long)out->shape[2] * out->shape[3], bias);
}

/* y = fwd(x, w) (+ bias [Co], may be NULL) by Winograd or a job (not a single window) */
static void fwd_into(const Tensor *x, const Tensor *w, const float *bias, Geo g, Tensor *y) {
    if (winograd_path(w->shape[2], w->shape[3], g, x->shape)) {
        conv_fwd_wino(x, w, y, 0);
        add_bias(y, bias);
        return;
    }
    ConvJob j = job_of(x->shape, y->shape, w->shape[2], w->shape[3], g, x->dev);
    j.x = x, j.w = w, j.y = y, j.bias = bias;
    run_job(&j);
}

/* the op's node: inputs (a, w) or (a, w, b) */
static Node *record(const char *op, Tensor *out, Tensor *a, Tensor *w, Tensor *b, BackwardFn bw) {
    return ad_record(op, out, b ? 3 : 2, (Tensor *[]){a, w, b}, bw);
}

/* x [N,Ci,H,W], w [Co,Ci/g,Kh,Kw] (+ b [Co], may be NULL) -> [N,Co,Ho,Wo] */
static Tensor *conv_fwd(Tensor *x, Tensor *w, Tensor *b, Geo g) {
    x = mg_contiguous(x);
    w = mg_contiguous(w);
    const int N = x->shape[0], Ci = x->shape[1], Co = w->shape[0], Cig = w->shape[1], Kh = w->shape[2], Kw = w->shape[3];
    MG_CHECK(x->ndim == 4 && w->ndim == 4 && Cig * g.groups == Ci && Co % g.groups == 0,
             "conv2d: input %s, weight %s, groups %d", tensor_shape_str(x), tensor_shape_str(w), g.groups);
    const int Ho = (x->shape[2] + 2 * g.ph - Kh) / g.stride + 1, Wo = (x->shape[3] + 2 * g.pw - Kw) / g.stride + 1;
    MG_CHECK(Ho > 0 && Wo > 0, "conv2d: input %s too small for kernel %dx%d", tensor_shape_str(x), Kh, Kw);
    Tensor *y = tensor_new(TSHAPE(N, Co, Ho, Wo));
    if (single_window(x->shape, Kh, Kw, g)) {            /* y [N,Co] = x [N,KKC] @ w^T */
        const int KKC = Cig * Kh * Kw;
        KERNEL(x->dev, gemm)(0, 1, N, Co, KKC, 1.0f, x->data, KKC, w->data, KKC, 0.0f, y->data, Co);
        add_bias(y, b ? b->data : NULL);
    } else {
        fwd_into(x, w, b ? b->data : NULL, g, y);
    }
    set_geo(record("conv2d", y, x, w, b, fwd_bw), g);
    return y;
}

/* w [Co,Ci,Kh,Kw] -> [Ci,Co,Kh,Kw] turned by 180 degrees: the kernel of the transposed convolution as a forward one */
static Tensor *turned_transposed(const Tensor *w) {
    const int Co = w->shape[0], Ci = w->shape[1], KK = w->shape[2] * w->shape[3];
    Tensor *wf = tensor_new(TSHAPE(Ci, Co, w->shape[2], w->shape[3]));
    for (int o = 0; o < Co; o++)
        for (int i = 0; i < Ci; i++)
            for (int k = 0; k < KK; k++) wf->data[((size_t)i * Co + o) * KK + (KK - 1 - k)] = w->data[((size_t)o * Ci + i) * KK + k];
    return wf;
}

/* gy [N,Co,Ho,Wo], w [Co,Ci/g,Kh,Kw] (+ b [Ci], may be NULL) -> gx with shape xs = [N,Ci,H,W] */
static Tensor *conv_dx(Tensor *gy, Tensor *w, Tensor *b, const int *xs, Geo g) {
    gy = mg_contiguous(gy);
    w = mg_contiguous(w);
    const int N = gy->shape[0], Co = gy->shape[1], Kh = w->shape[2], Kw = w->shape[3];
    MG_CHECK(gy->ndim == 4 && w->shape[0] == Co && xs[1] == w->shape[1] * g.groups && xs[0] == N,
             "conv_transpose2d: input %s, weight %s, groups %d", tensor_shape_str(gy), tensor_shape_str(w), g.groups);
    Tensor *gx = tensor_new(TSHAPE(xs[0], xs[1], xs[2], xs[3]));
    if (single_window(xs, Kh, Kw, g) && gy->shape[2] * gy->shape[3] == 1) {     /* gx [N,KKC] = gy [N,Co] @ w */
        const int KKC = w->shape[1] * Kh * Kw;
        KERNEL(gy->dev, gemm)(0, 0, N, KKC, Co, 1.0f, gy->data, Co, w->data, KKC, 0.0f, gx->data, KKC);
        add_bias(gx, b ? b->data : NULL);
    } else if (turned_dx(Kh, Kw, g)) {
        fwd_into(gy, turned_transposed(w), b ? b->data : NULL, (Geo){1, Kh - 1 - g.ph, Kw - 1 - g.pw, 1}, gx);
    } else {
        ConvJob j = job_of(xs, gy->shape, Kh, Kw, g, gy->dev);
        j.gy = gy, j.w = w, j.gx = gx, j.bias = b ? b->data : NULL;
        run_job(&j);
    }
    set_geo(record("conv_transpose2d", gx, gy, w, b, dx_bw), g);
    return gx;
}

/* x [N,Ci,H,W], gy [N,Co,Ho,Wo] -> gw [Co,Ci/g,Kh,Kw] */
static Tensor *conv_dw(Tensor *x, Tensor *gy, Geo g, int Kh, int Kw) {
    x = mg_contiguous(x);
    gy = mg_contiguous(gy);
    const int N = x->shape[0], Ci = x->shape[1], Co = gy->shape[1], Cig = Ci / g.groups, KKC = Cig * Kh * Kw;
    Tensor *gw = tensor_new(TSHAPE(Co, Cig, Kh, Kw));
    if (single_window(x->shape, Kh, Kw, g) && gy->shape[2] * gy->shape[3] == 1) {   /* gw [Co,KKC] = gy[N,Co]^T @ x [N,KKC] */
        KERNEL(x->dev, gemm)(1, 0, Co, KKC, N, 1.0f, gy->data, Co, x->data, KKC, 0.0f, gw->data, KKC);
    } else if (winograd_path(Kh, Kw, g, x->shape)) {
        conv_dw_wino(x, gy, gw, 0);
    } else {
        ConvJob j = job_of(x->shape, gy->shape, Kh, Kw, g, x->dev);
        j.x = x, j.gy = gy, j.gw = gw;
        run_job(&j);
    }
    set_geo(ad_record("conv2d_weight_grad", gw, 2, (Tensor *[]){x, gy}, dw_bw), g);
    return gw;
}

/* A backward pair in one job: dw(x, gy) together with fwd(x, w) (y != NULL, the backward of a transposed
 * convolution) or with dx(gy, w) (gx != NULL, the backward of a convolution).  Returns 0, computing
 * nothing, where either op would not go through a job; else records both results as conv_fwd / conv_dx
 * and conv_dw would (the same nodes, the same numbers). */
static int conv_pair(Tensor *x, Tensor *gy, Tensor *w, Geo g, Tensor **y, Tensor **gx, Tensor **gw) {
    const int Kh = w->shape[2], Kw = w->shape[3];
    if (single_window(x->shape, Kh, Kw, g) || winograd_path(Kh, Kw, g, x->shape) || (gx && turned_dx(Kh, Kw, g)))
        return 0;
    x = mg_contiguous(x);
    gy = mg_contiguous(gy);
    ConvJob j = job_of(x->shape, gy->shape, Kh, Kw, g, x->dev);
    j.x = x, j.gy = gy, j.w = w;
    if (y) j.y = tensor_new(TSHAPE(gy->shape[0], gy->shape[1], gy->shape[2], gy->shape[3]));
    else j.gx = tensor_new(TSHAPE(x->shape[0], x->shape[1], x->shape[2], x->shape[3]));
    j.gw = tensor_new(TSHAPE(gy->shape[1], x->shape[1] / g.groups, Kh, Kw));
    run_job(&j);
    if (y) set_geo(ad_record("conv2d", *y = j.y, 2, (Tensor *[]){x, w}, fwd_bw), g);
    else set_geo(ad_record("conv_transpose2d", *gx = j.gx, 2, (Tensor *[]){gy, w}, dx_bw), g);
    set_geo(ad_record("conv2d_weight_grad", *gw = j.gw, 2, (Tensor *[]){x, gy}, dw_bw), g);
    return 1;
}

/* The backward of conv2d_sumpool2: the block sum's adjoint (nearest upsampling), then the convolution's, with the
 * numbers of the two ops it fuses.  Recording (create_graph): those ops themselves.  Otherwise the Winograd kernels
 * read u at half size (WINO_IN_UP2, gy_up2) and the upsampled copy is never made. */
static void sumpool2_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    if (mg_grad_enabled()) {
        fwd_bw(n, mg_upsample_nearest(u, 2), gin, need);
        return;
    }
    Tensor *x = n->in[0], *w = n->in[1];
    u = mg_contiguous(u);
    if (need[0]) {                                     /* conv_dx's turned-kernel forward (turned_dx) */
        gin[0] = tensor_new(x->ndim, x->shape);
        conv_fwd_wino(u, turned_transposed(w), gin[0], WINO_IN_UP2);
    }
    if (need[1]) {
        gin[1] = tensor_new(w->ndim, w->shape);
        conv_dw_wino(x, u, gin[1], 1);
    }
}

Tensor *mg_conv2d_sumpool2(Tensor *x, Tensor *w) {
    const Geo g = {1, 1, 1, 1};
    if (!(x->ndim == 4 && w->ndim == 4 && winograd_path(w->shape[2], w->shape[3], g, x->shape) &&
          wino4_size(x->shape[2], x->shape[3]) && x->shape[2] % 2 == 0 && x->shape[3] % 2 == 0 && w->shape[1] == x->shape[1]))
        return mg_downsample_sum(mg_conv2d(x, w, NULL, (ConvGeom){1, 1, 0, 1}), 2);
    x = mg_contiguous(x);
    w = mg_contiguous(w);
    Tensor *y = tensor_new(TSHAPE(x->shape[0], w->shape[0], x->shape[2] / 2, x->shape[3] / 2));
    conv_fwd_wino(x, w, y, WINO_SUMPOOL2);
    set_geo(record("conv2d_sumpool2", y, x, w, NULL, sumpool2_bw), g);
    return y;
}

/* a bias of C channels: NULL or [C], returned contiguous (the kernels read it as a plain array) */
static Tensor *check_bias(Tensor *b, int C) {
    if (!b) return NULL;
    MG_CHECK(b->ndim == 1 && b->shape[0] == C, "conv: bias %s for %d output channels", tensor_shape_str(b), C);
    return mg_contiguous(b);
}

static Geo geo_of(ConvGeom cg, int ph, int pw) {
    Geo g = {cg.stride ? cg.stride : 1, ph, pw, cg.groups ? cg.groups : 1};
    MG_CHECK(g.stride > 0 && g.ph >= 0 && g.pw >= 0 && g.groups > 0, "conv: stride %d, padding %d,%d, groups %d", g.stride,
             g.ph, g.pw, g.groups);
    return g;
}

Tensor *mg_conv2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg, int pad_h, int pad_w) {
    MG_CHECK(w->ndim == 4, "conv2d: weight %s", tensor_shape_str(w));
    return conv_fwd(x, w, check_bias(b, w->shape[0]), geo_of(cg, pad_h, pad_w));
}

Tensor *mg_conv2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg) { return mg_conv2d_hw(x, w, b, cg, cg.pad, cg.pad); }

Tensor *mg_conv_transpose2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg, int pad_h, int pad_w) {
    Geo g = geo_of(cg, pad_h, pad_w);
    MG_CHECK(x->ndim == 4 && w->ndim == 4 && w->shape[0] == x->shape[1],
             "conv_transpose2d: input %s, weight %s", tensor_shape_str(x), tensor_shape_str(w));
    MG_CHECK(cg.out_pad >= 0 && cg.out_pad < g.stride, "conv_transpose2d: output_padding %d must be < stride %d",
             cg.out_pad, g.stride);
    const int Kh = w->shape[2], Kw = w->shape[3];
    int xs[4] = {x->shape[0], w->shape[1] * g.groups, (x->shape[2] - 1) * g.stride - 2 * g.ph + Kh + cg.out_pad,
                 (x->shape[3] - 1) * g.stride - 2 * g.pw + Kw + cg.out_pad};
    MG_CHECK(xs[2] > 0 && xs[3] > 0, "conv_transpose2d: empty output for input %s", tensor_shape_str(x));
    return conv_dx(x, w, check_bias(b, xs[1]), xs, g);
}

Tensor *mg_conv_transpose2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg) {
    return mg_conv_transpose2d_hw(x, w, b, cg, cg.pad, cg.pad);
}
