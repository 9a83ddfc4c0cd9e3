/* conv2d and conv_transpose2d: values against plain loops (kernels/conv.h ref_conv2d and a direct
 * transposed-convolution loop here), gradients against finite differences, first and second order
 * (tolerances: 5e-3 relative, 1.5e-2 second order, h = 1e-2 / 2.5e-3 near the leaky ReLU). */
#include "gradcheck.h"
#include "kernels/conv.h"

typedef struct { ConvGeom g; int transpose; float slope; } ConvCase;

/* y[n,co,ih,iw] += x[n,ci,h,w] * w[ci,co%Cog,kh,kw], ih = h*s - p + kh (PyTorch ConvTranspose2d) */
static void ref_conv_transpose(const Tensor *x, const Tensor *w, ConvGeom g, Tensor *y) {
    int N = x->shape[0], Ci = x->shape[1], H = x->shape[2], W = x->shape[3];
    int Cog = w->shape[1], K = w->shape[2], Co = y->shape[1], Ho = y->shape[2], Wo = y->shape[3];
    int Cig = Ci / g.groups;
    for (size_t i = 0; i < tensor_numel(y); i++) y->data[i] = 0;
    for (int n = 0; n < N; n++) for (int ci = 0; ci < Ci; ci++) for (int h = 0; h < H; h++) for (int ww = 0; ww < W; ww++)
        for (int oc = 0; oc < Cog; oc++) for (int kh = 0; kh < K; kh++) for (int kw = 0; kw < K; kw++) {
            int ih = h * g.stride - g.pad + kh, iw = ww * g.stride - g.pad + kw;
            if (ih < 0 || ih >= Ho || iw < 0 || iw >= Wo) continue;
            int co = (ci / Cig) * Cog + oc;
            y->data[(((size_t)n * Co + co) * Ho + ih) * Wo + iw] +=
                x->data[(((size_t)n * Ci + ci) * H + h) * W + ww] * w->data[(((size_t)ci * Cog + oc) * K + kh) * K + kw];
        }
}

TEST(conv2d_matches_reference) {
    struct { int N, Ci, H, W, Co, K, s, p, g; } c[] = {
        {2, 3, 7, 7, 4, 3, 1, 1, 1}, {3, 1, 28, 28, 16, 4, 2, 0, 1}, {2, 4, 9, 6, 6, 3, 2, 1, 2},
        {2, 4, 5, 5, 4, 3, 1, 1, 4}, {1, 2, 4, 4, 3, 4, 2, 0, 1}, {2, 6, 8, 8, 4, 1, 1, 0, 2},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].W), 20 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(c[k].Co, c[k].Ci / c[k].g, c[k].K, c[k].K), 40 + k, -1, 1);
        Tensor *y = mg_conv2d(x, w, NULL, (ConvGeom){c[k].s, c[k].p, 0, c[k].g});
        int Ho = (c[k].H + 2 * c[k].p - c[k].K) / c[k].s + 1, Wo = (c[k].W + 2 * c[k].p - c[k].K) / c[k].s + 1;
        CHECK(y->shape[2] == Ho && y->shape[3] == Wo && y->shape[1] == c[k].Co);
        Tensor *r = tensor_new(y->ndim, y->shape);
        ref_conv2d(x->data, w->data, r->data, c[k].N, c[k].Ci, c[k].H, c[k].W, c[k].Co, c[k].K, c[k].s, c[k].p, c[k].g, Ho, Wo);
        double md = 0;
        for (size_t i = 0; i < tensor_numel(y); i++) md = fmax(md, fabs(y->data[i] - r->data[i]));
        CHECK_MSG(md < 1e-4, "case %zu: max diff %g", k, md);
    }
}

/* The stride-1 column path (kernels/conv_col.h) with chunks of several images: 32x32 images take one
 * sgemm per image and accumulate dw over a chunk, 8x8 ones one sgemm per chunk with layout moves.
 * Forward, input gradient and weight gradient against plain loops. */
TEST(stride1_column_path_forward_and_gradients) {
    struct { int N, Ci, H, Co, K, p; } c[] = {{20, 3, 32, 5, 3, 1}, {20, 4, 8, 6, 3, 1}, {11, 2, 32, 3, 1, 0}, {9, 3, 6, 2, 3, 0},
                                           /* one image per sgemm cut into bands of output rows (ops/conv_cols.c col_band):
                                            * 3 rows a band and a short last band; 9 rows a band, 5x5 kernel */
                                           {3, 40, 51, 5, 3, 0}, {2, 8, 36, 4, 5, 2}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        const int N = c[k].N, Ci = c[k].Ci, H = c[k].H, Co = c[k].Co, K = c[k].K, P = c[k].p, Ho = H + 2 * P - K + 1;
        mg_step_reset();
        Tensor *x = gc_input(TSHAPE(N, Ci, H, H), 300 + k, -1, 1), *w = gc_input(TSHAPE(Co, Ci, K, K), 320 + k, -1, 1);
        Tensor *y = mg_conv2d(x, w, NULL, (ConvGeom){1, P, 0, 1});
        Tensor *r = tensor_new(y->ndim, y->shape);
        ref_conv2d(x->data, w->data, r->data, N, Ci, H, H, Co, K, 1, P, 1, Ho, Ho);
        double md = 0;
        for (size_t i = 0; i < tensor_numel(y); i++) md = fmax(md, fabs(y->data[i] - r->data[i]));
        CHECK_MSG(md < 1e-4, "case %zu forward: max diff %g", k, md);
        Tensor *gy = gc_input(y->ndim, y->shape, 340 + k, -1, 1), *g[2];
        Tensor *in[2] = {x, w};
        mg_grad(1, &y, &gy, 2, in, g, 0);
        double mdx = 0, mdw = 0;
        for (int n = 0; n < N; n++)                                  /* dx[n,i,h,v] = sum gy[n,o,h-kh+p,v-kw+p] w[o,i,kh,kw] */
            for (int i = 0; i < Ci; i++)
                for (int h = 0; h < H; h++)
                    for (int v = 0; v < H; v++) {
                        double s = 0;
                        for (int o = 0; o < Co; o++)
                            for (int kh = 0; kh < K; kh++)
                                for (int kw = 0; kw < K; kw++) {
                                    int oh = h - kh + P, ow = v - kw + P;
                                    if (oh < 0 || ow < 0 || oh >= Ho || ow >= Ho) continue;
                                    s += (double)gy->data[(((size_t)n * Co + o) * Ho + oh) * Ho + ow] * w->data[((o * Ci + i) * K + kh) * K + kw];
                                }
                        mdx = fmax(mdx, fabs(s - g[0]->data[(((size_t)n * Ci + i) * H + h) * H + v]));
                    }
        for (int o = 0; o < Co; o++)                                 /* dw[o,i,kh,kw] = sum gy[n,o,oh,ow] x[n,i,oh+kh-p,ow+kw-p] */
            for (int i = 0; i < Ci; i++)
                for (int kh = 0; kh < K; kh++)
                    for (int kw = 0; kw < K; kw++) {
                        double s = 0;
                        for (int n = 0; n < N; n++)
                            for (int oh = 0; oh < Ho; oh++)
                                for (int ow = 0; ow < Ho; ow++) {
                                    int h = oh + kh - P, v = ow + kw - P;
                                    if (h < 0 || v < 0 || h >= H || v >= H) continue;
                                    s += (double)gy->data[(((size_t)n * Co + o) * Ho + oh) * Ho + ow] * x->data[(((size_t)n * Ci + i) * H + h) * H + v];
                                }
                        mdw = fmax(mdw, fabs(s - g[1]->data[((o * Ci + i) * K + kh) * K + kw]) / fmax(1, fabs(s)));
                    }
        CHECK_MSG(mdx < 1e-4, "case %zu dx: max diff %g", k, mdx);
        CHECK_MSG(mdw < 1e-4, "case %zu dw: max rel diff %g", k, mdw);
    }
}

TEST(conv_transpose2d_matches_reference) {
    struct { int N, Ci, H, Co, K, s, p, op, g; } c[] = {
        {2, 8, 1, 6, 3, 2, 0, 0, 1}, {2, 6, 3, 4, 4, 1, 0, 0, 1}, {2, 4, 6, 3, 3, 2, 0, 0, 1},
        {2, 3, 13, 1, 4, 2, 0, 0, 1}, {2, 4, 5, 6, 3, 2, 1, 1, 2}, {1, 4, 4, 4, 3, 3, 1, 2, 4},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        ConvGeom g = {c[k].s, c[k].p, c[k].op, c[k].g};
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].H), 60 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(c[k].Ci, c[k].Co / c[k].g, c[k].K, c[k].K), 80 + k, -1, 1);
        Tensor *y = mg_conv_transpose2d(x, w, NULL, g);
        int Ho = (c[k].H - 1) * c[k].s - 2 * c[k].p + c[k].K + c[k].op;
        CHECK(y->shape[1] == c[k].Co && y->shape[2] == Ho && y->shape[3] == Ho);
        Tensor *r = tensor_new(y->ndim, y->shape);
        ref_conv_transpose(x, w, g, r);
        double md = 0;
        for (size_t i = 0; i < tensor_numel(y); i++) md = fmax(md, fabs(y->data[i] - r->data[i]));
        CHECK_MSG(md < 1e-4, "case %zu: max diff %g", k, md);
    }
}

static Tensor *f_conv(Tensor *const *in, void *ctx) {
    ConvCase *c = ctx;
    Tensor *y = c->transpose ? mg_conv_transpose2d(in[0], in[1], in[2], c->g) : mg_conv2d(in[0], in[1], in[2], c->g);
    return c->slope >= 0 ? mg_leaky_relu(y, c->slope) : y;
}

TEST(conv2d_gradients) {
    ConvCase cs[] = {{{2, 1, 0, 1}, 0, -1}, {{1, 0, 0, 2}, 0, -1}, {{2, 0, 0, 1}, 0, 0.2f}};
    for (int k = 0; k < 3; k++) {
        int g = cs[k].g.groups;
        Tensor *in[3] = {gc_input(TSHAPE(2, 4, 6, 6), 100 + k, -1, 1), gc_input(TSHAPE(6, 4 / g, 3, 3), 110 + k, -0.5f, 0.5f),
                         gc_input(TSHAPE(6), 120 + k, -0.5f, 0.5f)};
        double h = cs[k].slope >= 0 ? 2.5e-3 : 1e-2;
        CHECK_MSG(gradcheck("conv2d", f_conv, &cs[k], 3, in, h, 5e-3, 80), "case %d", k);
        /* second order: d/d(x, w, b) of ||d L / d x||^2 */
        CHECK_MSG(gradcheck2("conv2d", f_conv, &cs[k], 3, in, 0, h, 1.5e-2, 40), "case %d", k);
        /* and of ||d L / d w||^2, which differentiates the weight-gradient op itself */
        CHECK_MSG(gradcheck2("conv2d dw", f_conv, &cs[k], 3, in, 1, h, 1.5e-2, 40), "case %d", k);
    }
}

TEST(conv_transpose2d_gradients) {
    ConvCase cs[] = {{{2, 0, 0, 1}, 1, -1}, {{2, 1, 1, 2}, 1, -1}, {{1, 0, 0, 1}, 1, 0.2f}};
    for (int k = 0; k < 3; k++) {
        int g = cs[k].g.groups;
        Tensor *in[3] = {gc_input(TSHAPE(2, 4, 3, 3), 130 + k, -1, 1), gc_input(TSHAPE(4, 6 / g, 3, 3), 140 + k, -0.5f, 0.5f),
                         gc_input(TSHAPE(6), 150 + k, -0.5f, 0.5f)};
        double h = cs[k].slope >= 0 ? 2.5e-3 : 1e-2;
        CHECK_MSG(gradcheck("conv_transpose2d", f_conv, &cs[k], 3, in, h, 5e-3, 80), "case %d", k);
        CHECK_MSG(gradcheck2("conv_transpose2d", f_conv, &cs[k], 3, in, 0, h, 1.5e-2, 40), "case %d", k);
        CHECK_MSG(gradcheck2("conv_transpose2d dw", f_conv, &cs[k], 3, in, 1, h, 1.5e-2, 40), "case %d", k);
    }
}

/* 3x3 stride-1 padding-1 convolutions take Winograd (kernels/winograd.h), F(2x2, 3x3) from 64 pixels and
 * F(4x4, 3x3) from 256: odd and non-square sizes (a tile's dropped row / column), several whole images per block,
 * bands of tile rows of one image (many channels, ops/conv_wino.c WINO_BLOCK_FLOATS), against plain loops;
 * then gradients of first and second order (the input gradient is the same path with the turned kernel) on
 * images of at least 64 pixels, so that they take this path too, odd in both directions (one 9 x 9 image
 * under the leaky ReLU, whose kinks a weight's perturbation would meet too often in more outputs). */
TEST(winograd_path_forward_and_gradients) {
    struct { int N, Ci, H, W, Co; } c[] = {{3, 5, 13, 5, 4}, {4, 2, 9, 8, 3}, {5, 3, 3, 33, 2}, {12, 6, 8, 8, 7},
                                           {2, 40, 50, 45, 40}, {1, 1, 9, 64, 1},
                                           /* F(4x4, 3x3): last tiles of 1, 2, 3 rows / columns; whole images side by side */
                                           {3, 16, 17, 18, 16}, {2, 3, 19, 14, 2}, {9, 16, 16, 16, 16}, {2, 64, 32, 32, 32}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        mg_step_reset();
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].W), 400 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(c[k].Co, c[k].Ci, 3, 3), 420 + k, -1, 1);
        Tensor *y = mg_conv2d(x, w, NULL, (ConvGeom){1, 1, 0, 1});
        CHECK(y->shape[1] == c[k].Co && y->shape[2] == c[k].H && y->shape[3] == c[k].W);
        Tensor *r = tensor_new(y->ndim, y->shape);
        ref_conv2d(x->data, w->data, r->data, c[k].N, c[k].Ci, c[k].H, c[k].W, c[k].Co, 3, 1, 1, 1, c[k].H, c[k].W);
        double md = 0, mr = 0;
        for (size_t i = 0; i < tensor_numel(y); i++) md = fmax(md, fabs(y->data[i] - r->data[i])), mr = fmax(mr, fabs(r->data[i]));
        CHECK_MSG(md < 2e-6 * fmax(1, mr) * sqrt(9.0 * c[k].Ci), "case %zu: max diff %g (largest output %g)", k, md, mr);
    }
    /* F(2x2, 3x3) below 256 pixels (9x9, 9x11), F(4x4, 3x3) from there (17x18, 16 channels: a last tile of 1 row,
     * 2 columns) */
    ConvCase cs[] = {{{1, 1, 0, 1}, 0, 0.2f}, {{1, 1, 0, 1}, 1, -1}, {{1, 1, 0, 1}, 0, -1}};
    for (int k = 0; k < 3; k++) {
        Tensor *x = k == 0 ? gc_input(TSHAPE(1, 3, 9, 9), 440, -1, 1) : k == 1 ? gc_input(TSHAPE(2, 3, 9, 11), 441, -1, 1)
                                                                        : gc_input(TSHAPE(1, 16, 17, 18), 442, -1, 1);
        const int co = k == 2 ? 16 : 4;
        Tensor *in[3] = {x, gc_input(TSHAPE(3, co, 3, 3), 450 + k, -0.5f, 0.5f), gc_input(TSHAPE(co), 460 + k, -0.5f, 0.5f)};
        double h = cs[k].slope >= 0 ? 2.5e-3 : 1e-2;
        if (!cs[k].transpose) in[1] = gc_input(TSHAPE(co, x->shape[1], 3, 3), 450 + k, -0.5f, 0.5f);
        CHECK_MSG(gradcheck("winograd conv", f_conv, &cs[k], 3, in, h, 5e-3, 80), "case %d", k);
        CHECK_MSG(gradcheck2("winograd conv", f_conv, &cs[k], 3, in, 0, h, 1.5e-2, 40), "case %d", k);
        CHECK_MSG(gradcheck2("winograd conv dw", f_conv, &cs[k], 3, in, 1, h, 1.5e-2, 40), "case %d", k);
    }
}

/* one kernel window (H = W = K, 1x1 output): the single-sgemm path of all three family ops */
TEST(single_window_path) {
    Tensor *x = gc_input(TSHAPE(3, 2, 4, 4), 170, -1, 1), *w = gc_input(TSHAPE(5, 2, 4, 4), 171, -0.5f, 0.5f);
    Tensor *y = mg_conv2d(x, w, NULL, (ConvGeom){2, 0, 0, 1});
    Tensor *r = tensor_new(y->ndim, y->shape);
    ref_conv2d(x->data, w->data, r->data, 3, 2, 4, 4, 5, 4, 2, 0, 1, 1, 1);
    for (size_t i = 0; i < tensor_numel(y); i++) CHECK_NEAR(y->data[i], r->data[i], 1e-5);
    Tensor *z = gc_input(TSHAPE(3, 4, 1, 1), 172, -1, 1), *wt = gc_input(TSHAPE(4, 3, 3, 3), 173, -0.5f, 0.5f);
    Tensor *t = mg_conv_transpose2d(z, wt, NULL, (ConvGeom){2, 0, 0, 1}), *tr = tensor_new(t->ndim, t->shape);
    ref_conv_transpose(z, wt, (ConvGeom){2, 0, 0, 1}, tr);
    for (size_t i = 0; i < tensor_numel(t); i++) CHECK_NEAR(t->data[i], tr->data[i], 1e-5);
    ConvCase c1 = {{2, 0, 0, 1}, 0, 0.2f}, c2 = {{2, 0, 0, 1}, 1, 0.2f};
    Tensor *in1[3] = {x, w, gc_input(TSHAPE(5), 174, -0.5f, 0.5f)};
    Tensor *in2[3] = {z, wt, gc_input(TSHAPE(3), 175, -0.5f, 0.5f)};
    CHECK(gradcheck("conv2d 1x1 out", f_conv, &c1, 3, in1, 2.5e-3, 5e-3, 80));
    CHECK(gradcheck2("conv2d 1x1 out", f_conv, &c1, 3, in1, 0, 2.5e-3, 1.5e-2, 40));
    CHECK(gradcheck2("conv2d 1x1 out dw", f_conv, &c1, 3, in1, 1, 2.5e-3, 1.5e-2, 40));
    CHECK(gradcheck("convT 1x1 in", f_conv, &c2, 3, in2, 2.5e-3, 5e-3, 80));
    CHECK(gradcheck2("convT 1x1 in", f_conv, &c2, 3, in2, 0, 2.5e-3, 1.5e-2, 40));
    CHECK(gradcheck2("convT 1x1 in dw", f_conv, &c2, 3, in2, 1, 2.5e-3, 1.5e-2, 40));
}

/* the gradient of a gradient through two stacked layers, as an R1 penalty sees it */
static Tensor *f_two_layers(Tensor *const *in, void *ctx) {
    Tensor *h = mg_leaky_relu(mg_conv2d(in[0], in[1], NULL, (ConvGeom){2, 1, 0, 1}), 0.2f);
    return mg_conv2d(h, in[2], NULL, (ConvGeom){2, 0, 0, 1});
}

TEST(two_layer_critic_second_order) {
    Tensor *in[3] = {gc_input(TSHAPE(2, 1, 8, 8), 160, -1, 1), gc_input(TSHAPE(3, 1, 4, 4), 161, -0.5f, 0.5f),
                     gc_input(TSHAPE(1, 3, 4, 4), 162, -0.5f, 0.5f)};
    CHECK(gradcheck2("critic", f_two_layers, NULL, 3, in, 0, 2.5e-3, 1.5e-2, 40));
}

/* A backward that needs both gradients computes them in one pass (ops/conv.c conv_pair) sharing the
 * layout work; each must be bitwise what the op computes alone (asked for one gradient at a time).
 * Row path (stride 2, groups 2) and column path (chunks of small images; one image per sgemm, in bands),
 * for a convolution (dx with dw) and a transposed convolution (fwd with dw). */
TEST(backward_pair_is_the_separate_ops_bitwise) {
    struct { int N, Ci, H, Co, K, s, p, g, transpose; } c[] = {
        {16, 4, 13, 6, 4, 2, 0, 1, 0}, {16, 4, 9, 6, 3, 2, 1, 2, 0}, {20, 3, 6, 5, 4, 1, 0, 1, 0}, {3, 5, 36, 4, 5, 1, 1, 1, 0},
        {16, 6, 6, 4, 3, 2, 0, 1, 1}, {16, 4, 5, 6, 3, 2, 1, 2, 1}, {20, 6, 3, 4, 4, 1, 0, 1, 1}, {3, 4, 36, 5, 5, 1, 2, 1, 1},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        mg_step_reset();
        const ConvGeom g = {c[k].s, c[k].p, 0, c[k].g};
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].H), 500 + k, -1, 1);
        Tensor *w = c[k].transpose ? gc_input(TSHAPE(c[k].Ci, c[k].Co / c[k].g, c[k].K, c[k].K), 520 + k, -1, 1)
                                   : gc_input(TSHAPE(c[k].Co, c[k].Ci / c[k].g, c[k].K, c[k].K), 520 + k, -1, 1);
        Tensor *y = c[k].transpose ? mg_conv_transpose2d(x, w, NULL, g) : mg_conv2d(x, w, NULL, g);
        Tensor *gy = gc_input(y->ndim, y->shape, 540 + k, -1, 1), *both[2], *gx1, *gw1;
        mg_grad(1, &y, &gy, 2, (Tensor *[]){x, w}, both, 0);
        mg_grad(1, &y, &gy, 1, &x, &gx1, 0);
        mg_grad(1, &y, &gy, 1, &w, &gw1, 0);
        CHECK_MSG(!memcmp(both[0]->data, gx1->data, tensor_numel(x) * sizeof(float)), "case %zu: gx differs", k);
        CHECK_MSG(!memcmp(both[1]->data, gw1->data, tensor_numel(w) * sizeof(float)), "case %zu: gw differs", k);
    }
}

/* The bias is added inside the convolution, chunk by chunk (ops/conv.c); output and gradients must be bitwise
 * those of the convolution followed by mg_add(y, reshape(b)), on every path: rows (stride 2), columns (chunks of
 * small images; one image per sgemm), Winograd, a single window, the turned transposed convolution. */
static Tensor *conv_then_add(Tensor *x, Tensor *w, Tensor *b, ConvGeom g, int transpose, int fused) {
    if (fused) return transpose ? mg_conv_transpose2d(x, w, b, g) : mg_conv2d(x, w, b, g);
    Tensor *y = transpose ? mg_conv_transpose2d(x, w, NULL, g) : mg_conv2d(x, w, NULL, g);
    return mg_add(y, mg_reshape(b, TSHAPE(1, b->shape[0], 1, 1)));
}

TEST(bias_is_the_separate_add_bitwise) {
    struct { int N, Ci, H, Co, K, s, p, transpose; } c[] = {
        {16, 4, 13, 6, 4, 2, 0, 0}, {20, 3, 6, 5, 4, 1, 0, 0}, {3, 5, 36, 4, 5, 1, 1, 0}, {4, 3, 12, 5, 3, 1, 1, 0},
        {5, 4, 4, 6, 4, 2, 0, 0}, {16, 6, 6, 4, 3, 2, 0, 1}, {20, 6, 3, 4, 4, 1, 0, 1}, {4, 5, 12, 3, 3, 1, 1, 1},
        {8, 7, 1, 5, 3, 2, 0, 1}, {6, 4, 6, 3, 5, 1, 2, 1},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        mg_step_reset();
        const ConvGeom g = {c[k].s, c[k].p, 0, 1};
        const int bc = c[k].Co;
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].H), 600 + k, -1, 1);
        Tensor *w = c[k].transpose ? gc_input(TSHAPE(c[k].Ci, c[k].Co, c[k].K, c[k].K), 620 + k, -1, 1)
                                   : gc_input(TSHAPE(c[k].Co, c[k].Ci, c[k].K, c[k].K), 620 + k, -1, 1);
        Tensor *b = gc_input(TSHAPE(bc), 640 + k, -1, 1), *ins[3] = {x, w, b};
        Tensor *ya = conv_then_add(x, w, b, g, c[k].transpose, 1), *yb = conv_then_add(x, w, b, g, c[k].transpose, 0);
        CHECK_MSG(tensor_same_shape(ya, yb) && !memcmp(ya->data, yb->data, tensor_numel(ya) * sizeof(float)), "case %zu: output", k);
        Tensor *gy = gc_input(ya->ndim, ya->shape, 660 + k, -1, 1), *ga[3], *gb[3];
        for (int create = 0; create < 2; create++) {
            mg_grad(1, &ya, &gy, 3, ins, ga, create);
            mg_grad(1, &yb, &gy, 3, ins, gb, create);
            for (int i = 0; i < 3; i++)
                CHECK_MSG(!memcmp(ga[i]->data, gb[i]->data, tensor_numel(ins[i]) * sizeof(float)), "case %zu create_graph %d: gradient %d", k,
                          create, i);
        }
    }
}

/* mg_conv2d_sumpool2 (the F(4x4) output transform summing 2x2 blocks, ops/conv.c) must be bitwise the convolution
 * followed by mg_downsample_sum: output, gradients, and second-order gradients (of the squared input gradient,
 * as R1 takes them); sizes with 4k and 4k + 2 rows / columns, one and several images a block, and 8x8, which falls
 * back to the two ops (F(2x2, 3x3)). */
TEST(sumpool2_is_the_conv_and_block_sum_bitwise) {
    struct { int N, Ci, H, W, Co; } c[] = {{3, 5, 16, 16, 4}, {2, 3, 18, 22, 6}, {4, 16, 32, 32, 16}, {1, 8, 64, 30, 8},
                                           {2, 4, 8, 8, 3}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        mg_step_reset();
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].W), 700 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(c[k].Co, c[k].Ci, 3, 3), 720 + k, -1, 1), *ins[2] = {x, w};
        Tensor *ya = mg_conv2d_sumpool2(x, w), *yb = mg_downsample_sum(mg_conv2d(x, w, NULL, (ConvGeom){1, 1, 0, 1}), 2);
        CHECK_MSG(tensor_same_shape(ya, yb) && !memcmp(ya->data, yb->data, tensor_numel(ya) * sizeof(float)), "case %zu: output", k);
        Tensor *gy = gc_input(ya->ndim, ya->shape, 740 + k, -1, 1), *ga[2], *gb[2];
        for (int create = 0; create < 2; create++) {
            mg_grad(1, &ya, &gy, 2, ins, ga, create);
            mg_grad(1, &yb, &gy, 2, ins, gb, create);
            for (int i = 0; i < 2; i++)
                CHECK_MSG(!memcmp(ga[i]->data, gb[i]->data, tensor_numel(ins[i]) * sizeof(float)), "case %zu create_graph %d: gradient %d", k,
                          create, i);
        }
        Tensor *pa = mg_sum_all(mg_square(ga[0])), *pb = mg_sum_all(mg_square(gb[0])), *ha[2], *hb[2];   /* ga, gb: create_graph */
        mg_grad(1, &pa, NULL, 2, ins, ha, 0);
        mg_grad(1, &pb, NULL, 2, ins, hb, 0);
        for (int i = 0; i < 2; i++)
            CHECK_MSG(!memcmp(ha[i]->data, hb[i]->data, tensor_numel(ins[i]) * sizeof(float)), "case %zu: second order %d", k, i);
    }
}

int main(void) {
    RUN(conv2d_matches_reference);
    RUN(stride1_column_path_forward_and_gradients);
    RUN(conv_transpose2d_matches_reference);
    RUN(conv2d_gradients);
    RUN(conv_transpose2d_gradients);
    RUN(winograd_path_forward_and_gradients);
    RUN(single_window_path);
    RUN(two_layer_critic_second_order);
    RUN(backward_pair_is_the_separate_ops_bitwise);
    RUN(bias_is_the_separate_add_bitwise);
    RUN(sumpool2_is_the_conv_and_block_sum_bitwise);
    return test_summary();
}
