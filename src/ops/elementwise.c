/* Elementwise ops with broadcasting.  Every backward is written with ops from ops.h. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/elementwise.h"

/* ---------- binary ---------- */

static void broadcast_shape(const Tensor *a, const Tensor *b, int *ndim, int *shape) {
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int i = 0; i < n; i++) {
        int da = i - (n - a->ndim) >= 0 ? a->shape[i - (n - a->ndim)] : 1;
        int db = i - (n - b->ndim) >= 0 ? b->shape[i - (n - b->ndim)] : 1;
        MG_CHECK(da == db || da == 1 || db == 1, "cannot broadcast %s with %s", tensor_shape_str(a),
                 tensor_shape_str(b));
        shape[i] = da == 1 ? db : da;
    }
    *ndim = n;
}

/* strides of t read as the 4-D output shape: 0 where t has extent 1 */
static void bstrides(const Tensor *t, const int *oshape4, int *s4) {
    int sh[4];
    to4(t, sh, s4);
    for (int i = 0; i < 4; i++)
        if (sh[i] == 1 && oshape4[i] != 1) s4[i] = 0;
}

static Tensor *binary_raw(BinaryOp op, Tensor *a, Tensor *b, float p, float q) {
    int nd, shape[MG_MAXDIM];
    broadcast_shape(a, b, &nd, shape);
    Tensor *y = tensor_new(nd, shape);
    int o4[4], sa[4], sb[4];
    to4(y, o4, NULL);
    bstrides(a, o4, sa);
    bstrides(b, o4, sb);
    KERNEL(a->dev, binary)(op, o4, a->data, sa, b->data, sb, y->data, p, q);
    return y;
}

static void add_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    if (need[0]) gin[0] = mg_sum_to(g, n->in[0]->ndim, n->in[0]->shape);
    if (need[1]) gin[1] = mg_sum_to(g, n->in[1]->ndim, n->in[1]->shape);
}
static void sub_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    if (need[0]) gin[0] = mg_sum_to(g, n->in[0]->ndim, n->in[0]->shape);
    if (need[1]) gin[1] = mg_sum_to(mg_neg(g), n->in[1]->ndim, n->in[1]->shape);
}
/* d/da = sum_to(g * b): when g and b have one shape (a was broadcast, e.g. a style [N,C,1,1] times an
 * activation [N,C,H,W]) the product and its reduction are one pass (mg_mul_sum_to, the same numbers) */
static Tensor *mul_grad(Tensor *g, Tensor *other, const Tensor *target) {
    if (tensor_same_shape(g, other)) return mg_mul_sum_to(g, other, target->ndim, target->shape);
    return mg_sum_to(mg_mul(g, other), target->ndim, target->shape);
}
static void mul_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    if (need[0]) gin[0] = mul_grad(g, n->in[1], n->in[0]);
    if (need[1]) gin[1] = mul_grad(g, n->in[0], n->in[1]);
}
static void div_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    Tensor *a = n->in[0], *b = n->in[1];
    if (need[0]) gin[0] = mg_sum_to(mg_div(g, b), a->ndim, a->shape);
    if (need[1]) gin[1] = mg_sum_to(mg_neg(mg_div(mg_mul(g, a), mg_square(b))), b->ndim, b->shape);
}
static void mask_mul_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    if (need[0]) gin[0] = mg_mask_mul(g, n->in[1], n->f[0], n->f[1]);
    /* d/dx of a step function is zero almost everywhere: no gradient for in[1] */
}

#define BINARY_OP(fname, OP, BW)                                        \
    Tensor *fname(Tensor *a, Tensor *b) {                               \
        Tensor *y = binary_raw(OP, a, b, 0, 0);                         \
        ad_record(#fname, y, 2, (Tensor *[]){a, b}, BW);                \
        return y;                                                       \
    }
BINARY_OP(mg_add, BIN_ADD, add_bw)
BINARY_OP(mg_sub, BIN_SUB, sub_bw)
BINARY_OP(mg_mul, BIN_MUL, mul_bw)
BINARY_OP(mg_div, BIN_DIV, div_bw)

Tensor *mg_mask_mul(Tensor *g, Tensor *x, float pos, float neg) {
    Tensor *y = binary_raw(BIN_MASK_MUL, g, x, pos, neg);
    Node *n = ad_record("mask_mul", y, 2, (Tensor *[]){g, x}, mask_mul_bw);
    if (n) { n->f[0] = pos; n->f[1] = neg; }
    return y;
}

/* ---------- unary ---------- */

static Tensor *unary_raw(UnaryOp op, Tensor *x, float a, float b) {
    x = tensor_is_contiguous(x) ? x : mg_contiguous(x);
    Tensor *y = new_like(x);
    KERNEL(x->dev, unary)(op, tensor_numel(x), x->data, y->data, a, b);
    return y;
}

static void affine_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = mg_affine(g, n->f[0], 0); }
static void exp_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = mg_mul(g, n->out); }
static void log_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = mg_div(g, n->in[0]); }
static void sqrt_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_div(mg_affine(g, 0.5f, 0), n->out);
}
static void rsqrt_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {  /* d x^-1/2 = -1/2 y^3 */
    gin[0] = mg_mul(mg_affine(g, -0.5f, 0), mg_mul(n->out, mg_square(n->out)));
}
static void square_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_mul(mg_affine(g, 2.0f, 0), n->in[0]);
}
static void abs_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = mg_mask_mul(g, n->in[0], 1, -1); }
static void tanh_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_mul(g, mg_affine(mg_square(n->out), -1, 1));
}
static void sigmoid_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_mul(g, mg_mul(n->out, mg_affine(n->out, -1, 1)));
}
static void softplus_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = mg_mul(g, mg_sigmoid(n->in[0])); }
static void leaky_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_mask_mul(g, n->in[0], 1, n->f[0]);
}

#define UNARY_OP(fname, OP, BW)                                         \
    Tensor *fname(Tensor *x) {                                          \
        Tensor *y = unary_raw(OP, x, 0, 0);                             \
        ad_record(#fname, y, 1, &x, BW);                                \
        return y;                                                       \
    }
UNARY_OP(mg_exp, UN_EXP, exp_bw)
UNARY_OP(mg_log, UN_LOG, log_bw)
UNARY_OP(mg_sqrt, UN_SQRT, sqrt_bw)
UNARY_OP(mg_rsqrt, UN_RSQRT, rsqrt_bw)
UNARY_OP(mg_square, UN_SQUARE, square_bw)
UNARY_OP(mg_abs, UN_ABS, abs_bw)
UNARY_OP(mg_tanh, UN_TANH, tanh_bw)
UNARY_OP(mg_sigmoid, UN_SIGMOID, sigmoid_bw)
UNARY_OP(mg_softplus, UN_SOFTPLUS, softplus_bw)

Tensor *mg_affine(Tensor *x, float scale, float shift) {
    Tensor *y = unary_raw(UN_AFFINE, x, scale, shift);
    Node *n = ad_record("affine", y, 1, &x, affine_bw);
    if (n) n->f[0] = scale;
    return y;
}

Tensor *mg_neg(Tensor *x) { return mg_affine(x, -1, 0); }

Tensor *mg_leaky_relu(Tensor *x, float slope) {
    Tensor *y = unary_raw(UN_LEAKY_RELU, x, slope, 0);
    Node *n = ad_record("leaky_relu", y, 1, &x, leaky_bw);
    if (n) n->f[0] = slope;
    return y;
}

Tensor *mg_relu(Tensor *x) { return mg_leaky_relu(x, 0); }

void mg_accumulate_into(float *dst, const Tensor *g) {
    MG_CHECK(tensor_is_contiguous(g), "accumulate_into: non-contiguous gradient");
    KERNEL(g->dev, axpy)(tensor_numel(g), 1.0f, g->data, dst);
}
