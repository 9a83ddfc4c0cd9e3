/* Reductions.  sum's backward is expand; expand's backward is sum_to (shape.c). */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/reduce.h"

static void reduced_shape(const Tensor *x, unsigned axes, int keepdim, int *nd, int *shape) {
    int k = 0;
    for (int i = 0; i < x->ndim; i++) {
        if (axes >> i & 1) { if (keepdim) shape[k++] = 1; }
        else shape[k++] = x->shape[i];
    }
    *nd = k;
}

static void sum_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    Tensor *x = n->in[0];
    int nd, shape[MG_MAXDIM];
    reduced_shape(x, (unsigned)n->p[0], 1, &nd, shape);
    gin[0] = mg_expand(mg_reshape(g, nd, shape), x->ndim, x->shape);
}

Tensor *mg_sum(Tensor *x, unsigned axes, int keepdim) {
    MG_CHECK(!(axes >> x->ndim), "sum over axes 0x%x of a %d-d tensor", axes, x->ndim);
    Tensor *xc = tensor_is_contiguous(x) ? x : mg_contiguous(x);
    int nd, shape[MG_MAXDIM];
    reduced_shape(x, axes, keepdim, &nd, shape);
    Tensor *y = tensor_new(nd, shape);
    int sh4[4];
    to4(xc, sh4, NULL);
    unsigned axes4 = axes << (4 - x->ndim);
    KERNEL(x->dev, reduce_sum)(sh4, axes4, xc->data, y->data);
    Node *n = ad_record("sum", y, 1, &xc, sum_bw);
    if (n) n->p[0] = (int)axes;
    return y;
}

Tensor *mg_mean(Tensor *x, unsigned axes, int keepdim) {
    double cnt = 1;
    for (int i = 0; i < x->ndim; i++) if (axes >> i & 1) cnt *= x->shape[i];
    return mg_affine(mg_sum(x, axes, keepdim), (float)(1.0 / cnt), 0);
}

Tensor *mg_sum_all(Tensor *x) { return mg_sum(x, (1u << x->ndim) - 1, 0); }
Tensor *mg_mean_all(Tensor *x) { return mg_mean(x, (1u << x->ndim) - 1, 0); }

/* d/dx logsumexp = softmax(x) = exp(x - y): written with ops so that it differentiates again */
static void lse_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_mul(g, mg_exp(mg_sub(n->in[0], n->out)));
}

Tensor *mg_logsumexp(Tensor *x) {
    MG_CHECK(x->ndim >= 1, "logsumexp of a scalar");
    Tensor *xc = tensor_is_contiguous(x) ? x : mg_contiguous(x);
    int shape[MG_MAXDIM];
    for (int i = 0; i < x->ndim; i++) shape[i] = x->shape[i];
    int last = x->shape[x->ndim - 1];
    shape[x->ndim - 1] = 1;
    Tensor *y = tensor_new(x->ndim, shape);
    KERNEL(x->dev, logsumexp_rows)((long)(tensor_numel(x) / (last ? last : 1)), last, xc->data, y->data);
    ad_record("logsumexp", y, 1, &xc, lse_bw);
    return y;
}
