/* The ops Inception-v3 added to the engine: convolutions with non-square kernels and per-axis padding
 * (mg_conv2d_hw, mg_conv_transpose2d_hw), max pooling (mg_max_pool2d) and bilinear resizing
 * (mg_resize_bilinear).  Convolutions of stride 1 with one group take the column layout (kernels/conv_col.h),
 * the others the row layout (kernels/conv.h); cases of both.  Values against plain loops (kernels/conv.h ref_conv2d_rect, kernels/pool.h
 * ref_max_pool2d, a transposed-convolution loop here); gradients against central finite differences,
 * first and second order (tolerances 5e-3 / 1.5e-2 relative, as tests/test_ops_conv.c); and PyTorch
 * (fixtures/ops_rect.safetensors from tools/make_rect_fixtures.py): values 1e-4, gradients and gradients of
 * gradients 1e-3 (relative to the largest reference value, floor 1e-4). */
#include "gradcheck.h"
#include "kernels/conv.h"
#include "kernels/pool.h"
#include "torch_fixture.h"
#include <string.h>

typedef struct { int s, ph, pw, op, g, transpose; float slope; } RectCase;

/* y[n,co,ih,iw] += x[n,ci,h,w] * w[ci,co%Cog,kh,kw], ih = h*s - ph + kh, iw = w*s - pw + kw */
static void ref_convt_rect(const Tensor *x, const Tensor *w, RectCase c, Tensor *y) {
    int N = x->shape[0], Ci = x->shape[1], H = x->shape[2], W = x->shape[3];
    int Cog = w->shape[1], Kh = w->shape[2], Kw = w->shape[3], Co = y->shape[1], Ho = y->shape[2], Wo = y->shape[3];
    int Cig = Ci / c.g;
    memset(y->data, 0, tensor_numel(y) * sizeof(float));
    for (int n = 0; n < N; n++) for (int ci = 0; ci < Ci; ci++) for (int h = 0; h < H; h++) for (int ww = 0; ww < W; ww++)
        for (int oc = 0; oc < Cog; oc++) for (int kh = 0; kh < Kh; kh++) for (int kw = 0; kw < Kw; kw++) {
            int ih = h * c.s - c.ph + kh, iw = ww * c.s - c.pw + kw;
            if (ih < 0 || ih >= Ho || iw < 0 || iw >= Wo) continue;
            int co = (ci / Cig) * Cog + oc;
            y->data[(((size_t)n * Co + co) * Ho + ih) * Wo + iw] +=
                x->data[(((size_t)n * Ci + ci) * H + h) * W + ww] * w->data[(((size_t)ci * Cog + oc) * Kh + kh) * Kw + kw];
        }
}

static double max_diff(const Tensor *a, const Tensor *b) {
    double m = 0;
    for (size_t i = 0; i < tensor_numel(a); i++) m = fmax(m, fabs(a->data[i] - b->data[i]));
    return m;
}

TEST(rect_conv2d_matches_reference) {
    struct { int N, Ci, H, W, Co, Kh, Kw, s, ph, pw, g; } c[] = {
        {2, 3, 9, 10, 4, 1, 7, 1, 0, 3, 1}, {2, 3, 10, 9, 4, 7, 1, 1, 3, 0, 1}, {2, 4, 6, 7, 3, 1, 3, 1, 0, 1, 1},
        {2, 4, 7, 6, 3, 3, 1, 1, 1, 0, 1}, {2, 4, 9, 11, 6, 3, 5, 2, 1, 2, 2}, {3, 2, 5, 12, 3, 1, 7, 2, 0, 0, 1},
        {2, 3, 1, 7, 5, 1, 7, 1, 0, 0, 1},   /* one window: the single-sgemm path */
        {9, 8, 17, 17, 12, 7, 1, 1, 3, 0, 1}, /* several chunks of images (threads) */
        /* larger outputs and pointwise kernels, stride 1 (column layout) or 2 or grouped (row layout) */
        {3, 3, 50, 47, 4, 3, 5, 1, 1, 2, 1}, {2, 4, 97, 95, 6, 3, 3, 2, 1, 1, 2}, {2, 2, 64, 40, 3, 1, 7, 1, 0, 3, 1},
        {3, 6, 9, 7, 4, 1, 1, 1, 0, 0, 2}, {2, 5, 8, 8, 3, 1, 1, 2, 0, 0, 1},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        Tensor *x = gc_input(TSHAPE(c[k].N, c[k].Ci, c[k].H, c[k].W), 20 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(c[k].Co, c[k].Ci / c[k].g, c[k].Kh, c[k].Kw), 40 + k, -1, 1);
        Tensor *y = mg_conv2d_hw(x, w, NULL, (ConvGeom){c[k].s, 0, 0, c[k].g}, c[k].ph, c[k].pw);
        int Ho = (c[k].H + 2 * c[k].ph - c[k].Kh) / c[k].s + 1, Wo = (c[k].W + 2 * c[k].pw - c[k].Kw) / c[k].s + 1;
        CHECK_MSG(y->shape[1] == c[k].Co && y->shape[2] == Ho && y->shape[3] == Wo, "case %zu: shape %s", k, tensor_shape_str(y));
        Tensor *r = tensor_new(TSHAPE(c[k].N, c[k].Co, Ho, Wo));
        ref_conv2d_rect(x->data, w->data, r->data, c[k].N, c[k].Ci, c[k].H, c[k].W, c[k].Co, c[k].Kh, c[k].Kw, c[k].s,
                        c[k].ph, c[k].pw, c[k].g, Ho, Wo);
        CHECK_MSG(max_diff(y, r) < 1e-4, "case %zu: max diff %g", k, max_diff(y, r));
    }
    /* a square kernel with equal padding gives mg_conv2d's numbers exactly */
    Tensor *x = gc_input(TSHAPE(2, 3, 8, 8), 60, -1, 1), *w = gc_input(TSHAPE(4, 3, 3, 3), 61, -1, 1);
    Tensor *a = mg_conv2d(x, w, NULL, (ConvGeom){1, 1, 0, 1}), *b = mg_conv2d_hw(x, w, NULL, (ConvGeom){1, 0, 0, 1}, 1, 1);
    CHECK(max_diff(a, b) == 0);
}

TEST(rect_conv_transpose2d_matches_reference) {
    RectCase cs[] = {{1, 0, 3, 0, 1, 1, -1}, {2, 3, 0, 1, 1, 1, -1}, {2, 1, 2, 0, 2, 1, -1}};
    int shapes[][6] = {{2, 3, 5, 6, 1, 7}, {2, 2, 4, 3, 7, 1}, {2, 4, 3, 4, 3, 5}};   /* N, Ci, H, W, Kh, Kw */
    for (int k = 0; k < 3; k++) {
        const int *s = shapes[k], Co = 2 * cs[k].g;
        Tensor *x = gc_input(TSHAPE(s[0], s[1], s[2], s[3]), 70 + k, -1, 1);
        Tensor *w = gc_input(TSHAPE(s[1], Co / cs[k].g, s[4], s[5]), 80 + k, -1, 1);
        Tensor *y = mg_conv_transpose2d_hw(x, w, NULL, (ConvGeom){cs[k].s, 0, cs[k].op, cs[k].g}, cs[k].ph, cs[k].pw);
        int Ho = (s[2] - 1) * cs[k].s - 2 * cs[k].ph + s[4] + cs[k].op, Wo = (s[3] - 1) * cs[k].s - 2 * cs[k].pw + s[5] + cs[k].op;
        CHECK_MSG(y->shape[1] == Co && y->shape[2] == Ho && y->shape[3] == Wo, "case %d: shape %s", k, tensor_shape_str(y));
        Tensor *r = tensor_new(TSHAPE(s[0], Co, Ho, Wo));
        ref_convt_rect(x, w, cs[k], r);
        CHECK_MSG(max_diff(y, r) < 1e-4, "case %d: max diff %g", k, max_diff(y, r));
    }
}

static Tensor *f_rect(Tensor *const *in, void *ctx) {
    RectCase *c = ctx;
    ConvGeom g = {c->s, 0, c->op, c->g};
    Tensor *y = c->transpose ? mg_conv_transpose2d_hw(in[0], in[1], in[2], g, c->ph, c->pw)
                             : mg_conv2d_hw(in[0], in[1], in[2], g, c->ph, c->pw);
    return c->slope >= 0 ? mg_leaky_relu(y, c->slope) : y;
}

TEST(rect_conv_gradients) {
    /* conv: 1x7 pad (0,3); 7x1 pad (3,0) stride 2 with a leaky ReLU; 3x1 pad (1,0) groups 2 */
    RectCase cs[] = {{1, 0, 3, 0, 1, 0, -1}, {2, 3, 0, 0, 1, 0, 0.2f}, {1, 1, 0, 0, 2, 0, -1},
                     {2, 3, 0, 1, 1, 1, -1}, {1, 0, 1, 0, 1, 1, 0.2f}};
    int kk[][2] = {{1, 7}, {7, 1}, {3, 1}, {7, 1}, {1, 3}};
    for (int k = 0; k < 5; k++) {
        int g = cs[k].g, t = cs[k].transpose;
        Tensor *in[3] = {gc_input(TSHAPE(2, 4, t ? 3 : 6, t ? 4 : 7), 100 + k, -1, 1),
                         t ? gc_input(TSHAPE(4, 6 / g, kk[k][0], kk[k][1]), 110 + k, -0.5f, 0.5f)
                           : gc_input(TSHAPE(6, 4 / g, kk[k][0], kk[k][1]), 110 + k, -0.5f, 0.5f),
                         gc_input(TSHAPE(6), 120 + k, -0.5f, 0.5f)};
        double h = cs[k].slope >= 0 ? 2.5e-3 : 1e-2;
        CHECK_MSG(gradcheck("rect conv", f_rect, &cs[k], 3, in, h, 5e-3, 60), "case %d", k);
        CHECK_MSG(gradcheck2("rect conv", f_rect, &cs[k], 3, in, 0, h, 1.5e-2, 24), "case %d", k);
        CHECK_MSG(gradcheck2("rect conv dw", f_rect, &cs[k], 3, in, 1, h, 1.5e-2, 24), "case %d", k);
    }
}

/* the column layout (stride 1, one group: kernels/conv_col.h) with a 3x5 kernel, padding (1, 2), on a larger
 * image, and a pointwise kernel */
TEST(column_path_gradients) {
    RectCase big = {1, 1, 2, 0, 1, 0, -1}, one = {1, 0, 0, 0, 1, 0, 0.2f};
    Tensor *in[3] = {gc_input(TSHAPE(1, 1, 46, 46), 130, -1, 1), gc_input(TSHAPE(2, 1, 3, 5), 131, -0.5f, 0.5f),
                     gc_input(TSHAPE(2), 132, -0.5f, 0.5f)};                 /* output 46x46 = 2116 pixels */
    CHECK(gradcheck("column conv", f_rect, &big, 3, in, 1e-2, 5e-3, 40));
    CHECK(gradcheck2("column conv", f_rect, &big, 3, in, 0, 1e-2, 1.5e-2, 8));
    CHECK(gradcheck2("column conv dw", f_rect, &big, 3, in, 1, 1e-2, 1.5e-2, 8));
    Tensor *in1[3] = {gc_input(TSHAPE(2, 4, 5, 6), 133, -1, 1), gc_input(TSHAPE(3, 4, 1, 1), 134, -0.5f, 0.5f),
                      gc_input(TSHAPE(3), 135, -0.5f, 0.5f)};
    CHECK(gradcheck("pointwise conv", f_rect, &one, 3, in1, 2.5e-3, 5e-3, 80));
    CHECK(gradcheck2("pointwise conv", f_rect, &one, 3, in1, 0, 2.5e-3, 1.5e-2, 40));
    CHECK(gradcheck2("pointwise conv dw", f_rect, &one, 3, in1, 1, 2.5e-3, 1.5e-2, 40));
}

TEST(max_pool_matches_reference) {
    int c[][5] = {{3, 2, 0, 9, 8}, {3, 1, 1, 6, 7}, {2, 2, 0, 6, 6}, {3, 2, 1, 7, 7}, {3, 2, 0, 147, 147}};   /* k s p H W */
    for (int k = 0; k < 5; k++) {
        Tensor *x = gc_input(TSHAPE(2, 3, c[k][3], c[k][4]), 200 + k, -1, 1);
        Tensor *y = mg_max_pool2d(x, c[k][0], c[k][1], c[k][2]);
        int Ho = (c[k][3] + 2 * c[k][2] - c[k][0]) / c[k][1] + 1, Wo = (c[k][4] + 2 * c[k][2] - c[k][0]) / c[k][1] + 1;
        CHECK_MSG(y->shape[2] == Ho && y->shape[3] == Wo, "case %d: %s", k, tensor_shape_str(y));
        Tensor *r = tensor_new(TSHAPE(2, 3, Ho, Wo));
        ref_max_pool2d(x->data, r->data, 6, c[k][3], c[k][4], c[k][0], c[k][1], c[k][2], Ho, Wo);
        CHECK_MSG(max_diff(y, r) == 0, "case %d: max diff %g", k, max_diff(y, r));
    }
    /* ties: the first maximum in row-major order gets the gradient (as PyTorch) */
    float v[16] = {1, 5, 5, 0, 5, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Tensor *x = tensor_from(TSHAPE(1, 1, 4, 4), v);
    x->requires_grad = 1;
    Tensor *y = mg_max_pool2d(x, 2, 2, 0), *g;
    mg_grad(1, &y, NULL, 1, &x, &g, 0);
    CHECK(y->data[0] == 5 && g->data[1] == 1 && g->data[4] == 0);
    x->data[5] = NAN;                               /* a NaN wins its window, as in PyTorch */
    y = mg_max_pool2d(x, 2, 2, 0);
    CHECK(isnan(y->data[0]) && y->data[1] == 5);
}

typedef struct { int k, s, p; } PoolCase;
static Tensor *f_pool(Tensor *const *in, void *ctx) {
    PoolCase *c = ctx;
    return mg_square(mg_max_pool2d(in[0], c->k, c->s, c->p));
}
/* a max pool between two convolutions, as an R1 penalty through Inception-like blocks sees it */
static Tensor *f_conv_pool_conv(Tensor *const *in, void *ctx) {
    Tensor *h = mg_conv2d_hw(in[0], in[1], NULL, (ConvGeom){1, 0, 0, 1}, 0, 1);
    h = mg_max_pool2d(mg_leaky_relu(h, 0.2f), 3, 2, 1);
    return mg_conv2d_hw(h, in[2], NULL, (ConvGeom){1, 0, 0, 1}, 1, 0);
}

TEST(max_pool_gradients) {
    PoolCase cs[] = {{3, 2, 0}, {3, 1, 1}, {2, 2, 0}};
    for (int k = 0; k < 3; k++) {
        Tensor *in[1] = {gc_input(TSHAPE(2, 2, 7, 8), 300 + k, -1, 1)};
        CHECK_MSG(gradcheck("max_pool2d", f_pool, &cs[k], 1, in, 1e-3, 5e-3, 60), "case %d", k);
        CHECK_MSG(gradcheck2("max_pool2d", f_pool, &cs[k], 1, in, 0, 1e-3, 1.5e-2, 30), "case %d", k);
    }
    Tensor *in[3] = {gc_input(TSHAPE(2, 2, 7, 7), 310, -1, 1), gc_input(TSHAPE(3, 2, 1, 3), 311, -0.5f, 0.5f),
                     gc_input(TSHAPE(2, 3, 3, 1), 312, -0.5f, 0.5f)};
    CHECK(gradcheck("conv-pool-conv", f_conv_pool_conv, NULL, 3, in, 1e-3, 5e-3, 80));
    CHECK(gradcheck2("conv-pool-conv", f_conv_pool_conv, NULL, 3, in, 0, 1e-3, 1.5e-2, 40));
    CHECK(gradcheck2("conv-pool-conv dw", f_conv_pool_conv, NULL, 3, in, 1, 1e-3, 1.5e-2, 40));
}

static Tensor *f_resize(Tensor *const *in, void *ctx) {
    const int *s = ctx;
    return mg_square(mg_resize_bilinear(in[0], s[0], s[1]));
}

TEST(resize_bilinear) {
    /* an integer factor gives mg_upsample_bilinear's numbers exactly */
    Tensor *x = gc_input(TSHAPE(2, 3, 5, 6), 400, -1, 1);
    CHECK(max_diff(mg_resize_bilinear(x, 15, 18), mg_upsample_bilinear(x, 3)) == 0);
    /* a constant image stays constant, up or down */
    Tensor *c = tensor_full(TSHAPE(1, 2, 9, 13), 0.375f), *r = mg_resize_bilinear(c, 299, 4);
    double md = 0;
    for (size_t i = 0; i < tensor_numel(r); i++) md = fmax(md, fabs(r->data[i] - 0.375));
    CHECK(md < 1e-6);
    int sizes[][2] = {{11, 4}, {3, 5}, {9, 17}};
    for (int k = 0; k < 3; k++) {
        Tensor *in[1] = {gc_input(TSHAPE(2, 2, 5, 7), 410 + k, -1, 1)};
        CHECK_MSG(gradcheck("resize_bilinear", f_resize, sizes[k], 1, in, 1e-2, 5e-3, 40), "case %d", k);
        CHECK_MSG(gradcheck2("resize_bilinear", f_resize, sizes[k], 1, in, 0, 1e-2, 1.5e-2, 20), "case %d", k);
    }
}

/* ---- PyTorch ---- */

typedef struct { int kind; const float *geom; } TorchCase;   /* kind: 0 conv, 1 convT, 2 max pool, 3 resize */
static Tensor *f_torch(Tensor *const *in, void *ctx) {
    const TorchCase *c = ctx;
    const float *g = c->geom;
    switch (c->kind) {
    case 0: return mg_conv2d_hw(in[0], in[1], in[2], (ConvGeom){(int)g[2], 0, 0, (int)g[6]}, (int)g[3], (int)g[4]);
    case 1: return mg_conv_transpose2d_hw(in[0], in[1], in[2], (ConvGeom){(int)g[2], 0, (int)g[5], (int)g[6]}, (int)g[3], (int)g[4]);
    case 2: return mg_square(mg_max_pool2d(in[0], (int)g[0], (int)g[1], (int)g[2]));
    default: return mg_square(mg_resize_bilinear(in[0], (int)g[0], (int)g[1]));
    }
}

/* values, gradients and the gradients of <grad0, v> with respect to every input and to gout */
static void torch_case(const StFile *f, const char *name, int kind, int nin) {
    char key[96];
    Tensor *in[4], *g[4], *gg[5];
    for (int i = 0; i < nin; i++) {
        snprintf(key, sizeof key, "%s.in%d", name, i);
        if (!(in[i] = tf_get(f, key))) return;
        in[i]->requires_grad = 1;
    }
    snprintf(key, sizeof key, "%s.geom", name);
    Tensor *geom = tf_get(f, key);
    if (!geom) return;
    TorchCase c = {kind, geom->data};
    mg_set_grad_enabled(1);
    Tensor *y = f_torch(in, &c);
    snprintf(key, sizeof key, "%s.out", name);
    tf_close(f, key, y, 1e-4, 1e-6);
    snprintf(key, sizeof key, "%s.gout", name);
    Tensor *gout = tf_get(f, key);
    if (!gout || !tensor_same_shape(gout, y)) return;
    gout->requires_grad = 1;
    mg_grad(1, &y, &gout, nin, in, g, 1);
    for (int i = 0; i < nin; i++) {
        snprintf(key, sizeof key, "%s.grad%d", name, i);
        tf_close(f, key, g[i], 1e-3, 1e-4);
    }
    snprintf(key, sizeof key, "%s.v", name);
    Tensor *v = tf_get(f, key), *q = mg_sum_all(mg_mul(g[0], v)), *all[5];
    for (int i = 0; i < nin; i++) all[i] = in[i];
    all[nin] = gout;
    mg_grad(1, &q, NULL, nin + 1, all, gg, 0);
    for (int i = 0; i <= nin; i++) {
        snprintf(key, sizeof key, "%s.gg%d", name, i);
        tf_close(f, key, gg[i], 1e-3, 1e-4);
    }
}

TEST(pytorch_parity) {
    const char *d = getenv("MORPHOGAN_FIXTURES");
    char path[512];
    snprintf(path, sizeof path, "%s/ops_rect.safetensors", d ? d : "fixtures");
    StFile f;
    if (st_open(path, &f)) { CHECK_MSG(0, "%s", mg_error_get()); return; }
    char name[64];
    for (int j = 0; j < 6; j++) { snprintf(name, sizeof name, "conv2d.%d", j); torch_case(&f, name, 0, 3); }
    for (int j = 0; j < 3; j++) { snprintf(name, sizeof name, "convt2d.%d", j); torch_case(&f, name, 1, 3); }
    for (int j = 0; j < 4; j++) { snprintf(name, sizeof name, "maxpool.%d", j); torch_case(&f, name, 2, 1); }
    for (int j = 0; j < 4; j++) { snprintf(name, sizeof name, "resize.%d", j); torch_case(&f, name, 3, 1); }
    st_close(&f);
    mg_step_reset();
}

int main(void) {
    RUN(rect_conv2d_matches_reference);
    RUN(rect_conv_transpose2d_matches_reference);
    RUN(rect_conv_gradients);
    RUN(column_path_gradients);
    RUN(max_pool_matches_reference);
    RUN(max_pool_gradients);
    RUN(resize_bilinear);
    RUN(pytorch_parity);
    return test_summary();
}
