/* Max pooling, with gradients of any order.
 *
 * max_pool2d(x) records the position of each output's maximum (idx, a constant of the node: it does
 * not change under the infinitesimal perturbations a gradient measures, away from ties).  Given idx
 * the pooling is the linear map gather(x) = x[idx], so
 *   d max_pool2d / dx  = scatter(g)  (the adjoint of gather: each gradient added at its maximum's place),
 *   d scatter / dg     = gather(u),   d gather / dx = scatter(u),
 * a closed pair of linear ops sharing idx: the gradient of the gradient (R1, WGAN-GP through a max
 * pool) needs nothing else.  Their derivatives in idx are zero (it is piecewise constant in x). */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/pool.h"

static Tensor *index_gather(Tensor *x, const int *idx, int Ho, int Wo);
static Tensor *index_scatter(Tensor *g, const int *idx, int H, int W);

/* p: the input plane H, W and the output plane Ho, Wo; imap: idx [N*C, Ho*Wo] (arena memory) */
static void gather_bw(Node *n, Tensor *u, Tensor **gin, const int *need) { gin[0] = index_scatter(u, n->imap, n->p[0], n->p[1]); }
static void scatter_bw(Node *n, Tensor *u, Tensor **gin, const int *need) { gin[0] = index_gather(u, n->imap, n->p[2], n->p[3]); }

static void record(const char *op, Tensor *out, Tensor *in, BackwardFn bw, const int *idx, int H, int W, int Ho, int Wo) {
    Node *n = ad_record(op, out, 1, &in, bw);
    if (n) { n->imap = idx; n->p[0] = H; n->p[1] = W; n->p[2] = Ho; n->p[3] = Wo; }
}

/* x [N,C,H,W] -> [N,C,Ho,Wo] = x at idx */
static Tensor *index_gather(Tensor *x, const int *idx, int Ho, int Wo) {
    x = mg_contiguous(x);
    const int H = x->shape[2], W = x->shape[3];
    Tensor *y = tensor_new(TSHAPE(x->shape[0], x->shape[1], Ho, Wo));
    KERNEL(x->dev, index_gather)((long)x->shape[0] * x->shape[1], H * W, Ho * Wo, idx, x->data, y->data);
    record("max_pool2d_gather", y, x, gather_bw, idx, H, W, Ho, Wo);
    return y;
}

/* g [N,C,Ho,Wo] -> [N,C,H,W], each g added at its idx */
static Tensor *index_scatter(Tensor *g, const int *idx, int H, int W) {
    g = mg_contiguous(g);
    const int Ho = g->shape[2], Wo = g->shape[3];
    Tensor *gx = tensor_new(TSHAPE(g->shape[0], g->shape[1], H, W));
    KERNEL(g->dev, index_scatter)((long)g->shape[0] * g->shape[1], H * W, Ho * Wo, idx, g->data, gx->data);
    record("max_pool2d_scatter", gx, g, scatter_bw, idx, H, W, Ho, Wo);
    return gx;
}

Tensor *mg_max_pool2d(Tensor *x, int k, int stride, int pad) {
    MG_CHECK(x->ndim == 4, "max_pool2d of %s (needs [N,C,H,W])", tensor_shape_str(x));
    MG_CHECK(k >= 1 && stride >= 1 && pad >= 0 && 2 * pad <= k, "max_pool2d with k %d, stride %d, pad %d (pad <= k/2)", k,
             stride, pad);
    const int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
    MG_CHECK(H + 2 * pad >= k && W + 2 * pad >= k, "max_pool2d: input %s smaller than the window %d", tensor_shape_str(x), k);
    const int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    x = mg_contiguous(x);
    Tensor *y = tensor_new(TSHAPE(N, C, Ho, Wo));
    int *idx = arena_alloc(tensor_arena(), (size_t)N * C * Ho * Wo * sizeof(int));   /* [N*C, Ho*Wo] */
    KERNEL(x->dev, max_pool2d)((long)N * C, H, W, k, stride, pad, Ho, Wo, x->data, y->data, idx);
    record("max_pool2d", y, x, gather_bw, idx, H, W, Ho, Wo);
    return y;
}
