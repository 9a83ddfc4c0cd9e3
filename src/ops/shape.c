/* Shape ops: reshape, permute, contiguous, expand / sum_to, concat, slice.  Adjoint pairs:
 * reshape<->reshape, permute<->inverse permute, expand<->sum_to, slice<->slice_adjoint; mul_sum_to is
 * sum_to of a product, fused. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"

/* ---- contiguous ---- */
static void contiguous_bw(Node *n, Tensor *g, Tensor **gin, const int *need) { gin[0] = g; }

Tensor *mg_contiguous(Tensor *x) {
    if (tensor_is_contiguous(x)) return x;
    Tensor *y = new_like(x);
    int sh[4], st[4];
    to4(x, sh, st);
    KERNEL(x->dev, copy_strided)(sh, x->data, st, y->data);
    ad_record("contiguous", y, 1, &x, contiguous_bw);
    return y;
}

/* ---- reshape ---- */
static void reshape_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_reshape(g, n->in[0]->ndim, n->in[0]->shape);
}

Tensor *mg_reshape(Tensor *x, int ndim, const int *shape) {
    int sh[MG_MAXDIM], infer = -1;
    size_t known = 1, numel = tensor_numel(x);
    MG_CHECK(ndim >= 0 && ndim <= MG_MAXDIM, "reshape to %d dims", ndim);
    for (int i = 0; i < ndim; i++) {
        sh[i] = shape[i];
        if (sh[i] == -1) { MG_CHECK(infer < 0, "reshape with two -1"); infer = i; }
        else known *= (size_t)sh[i];
    }
    if (infer >= 0) sh[infer] = known ? (int)(numel / known) : 0;
    size_t total = 1;
    for (int i = 0; i < ndim; i++) total *= (size_t)sh[i];
    MG_CHECK(total == numel, "cannot reshape %s into %d dims of %zu elements", tensor_shape_str(x), ndim, total);
    Tensor *xc = mg_contiguous(x);
    Tensor *y = tensor_wrap(ndim, sh, xc->data);
    y->dev = xc->dev;
    ad_record("reshape", y, 1, &xc, reshape_bw);
    return y;
}

/* ---- permute (a view) ---- */
static void permute_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    int inv[MG_MAXDIM];
    for (int i = 0; i < n->in[0]->ndim; i++) inv[n->p[i]] = i;
    gin[0] = mg_permute(g, inv);
}

Tensor *mg_permute(Tensor *x, const int *perm) {
    Tensor *y = tensor_view_header(x);
    unsigned seen = 0;
    for (int i = 0; i < x->ndim; i++) {
        MG_CHECK(perm[i] >= 0 && perm[i] < x->ndim && !(seen >> perm[i] & 1), "bad permutation");
        seen |= 1u << perm[i];
        y->shape[i] = x->shape[perm[i]];
        y->stride[i] = x->stride[perm[i]];
    }
    Node *n = ad_record("permute", y, 1, &x, permute_bw);
    if (n) for (int i = 0; i < x->ndim; i++) n->p[i] = perm[i];
    return y;
}

/* ---- expand / sum_to ---- */
static void expand_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_sum_to(g, n->in[0]->ndim, n->in[0]->shape);
}

Tensor *mg_expand(Tensor *x, int ndim, const int *shape) {
    MG_CHECK(ndim >= x->ndim, "expand %s to fewer dims", tensor_shape_str(x));
    Tensor *y = tensor_new(ndim, shape);
    int o4[4], xs4[4], st[4];
    to4(y, o4, NULL);
    to4(x, xs4, st);
    for (int i = 0; i < 4; i++) {
        MG_CHECK(xs4[i] == o4[i] || xs4[i] == 1, "cannot expand %s to %s", tensor_shape_str(x), tensor_shape_str(y));
        if (xs4[i] == 1) st[i] = 0;
    }
    KERNEL(x->dev, copy_strided)(o4, x->data, st, y->data);
    ad_record("expand", y, 1, &x, expand_bw);
    return y;
}

static void sum_to_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_expand(g, n->in[0]->ndim, n->in[0]->shape);
}

/* the 4-D axes that summing a tensor of shape sh4 (right-aligned) down to shape[ndim] reduces */
static unsigned sum_to_axes(const Tensor *x, const int *sh4, int ndim, const int *shape) {
    MG_CHECK(ndim <= x->ndim, "sum_to %s into more dims", tensor_shape_str(x));
    int t4[4];
    for (int i = 0; i < 4; i++) t4[i] = 1;
    for (int i = 0; i < ndim; i++) t4[4 - ndim + i] = shape[i];
    unsigned axes = 0;
    for (int i = 0; i < 4; i++) {
        MG_CHECK(t4[i] == sh4[i] || t4[i] == 1, "cannot sum %s to a smaller shape", tensor_shape_str(x));
        if (t4[i] == 1 && sh4[i] != 1) axes |= 1u << i;
    }
    return axes;
}

static int has_shape(const Tensor *x, int ndim, const int *shape) {
    if (x->ndim != ndim) return 0;
    for (int i = 0; i < ndim; i++) if (x->shape[i] != shape[i]) return 0;
    return 1;
}

Tensor *mg_sum_to(Tensor *x, int ndim, const int *shape) {
    if (has_shape(x, ndim, shape)) return x;
    Tensor *xc = mg_contiguous(x);
    int sh4[4];
    to4(xc, sh4, NULL);
    unsigned axes = sum_to_axes(x, sh4, ndim, shape);
    Tensor *y = tensor_new(ndim, shape);
    KERNEL(x->dev, reduce_sum)(sh4, axes, xc->data, y->data);
    ad_record("sum_to", y, 1, &xc, sum_to_bw);
    return y;
}

/* ---- mul_sum_to: sum_to(a * b) without the product tensor ---- */
static void mul_sum_to_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    /* g [shape] broadcasts against the full-size operands: d/da = g * b, d/db = g * a */
    if (need[0]) gin[0] = mg_mul(g, n->in[1]);
    if (need[1]) gin[1] = mg_mul(g, n->in[0]);
}

Tensor *mg_mul_sum_to(Tensor *a, Tensor *b, int ndim, const int *shape) {
    MG_CHECK(tensor_same_shape(a, b), "mul_sum_to of %s and %s (same shapes only)", tensor_shape_str(a),
             tensor_shape_str(b));
    if (has_shape(a, ndim, shape)) return mg_mul(a, b);
    Tensor *ac = mg_contiguous(a), *bc = mg_contiguous(b);
    int sh4[4];
    to4(ac, sh4, NULL);
    unsigned axes = sum_to_axes(a, sh4, ndim, shape);
    Tensor *y = tensor_new(ndim, shape);
    KERNEL(a->dev, reduce_sum_prod)(sh4, axes, ac->data, bc->data, y->data);
    ad_record("mul_sum_to", y, 2, (Tensor *[]){ac, bc}, mul_sum_to_bw);
    return y;
}

/* ---- slice / slice_adjoint / concat ---- */
static void slice_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_slice_adjoint(g, n->in[0]->ndim, n->in[0]->shape, n->p[0], n->p[1]);
}

Tensor *mg_slice(Tensor *x, int axis, int start, int len) {
    MG_CHECK(axis >= 0 && axis < x->ndim && start >= 0 && len >= 0 && start + len <= x->shape[axis],
             "slice [%d:%d] of axis %d of %s", start, start + len, axis, tensor_shape_str(x));
    Tensor *v = tensor_view_header(x);
    v->shape[axis] = len;
    v->data = x->data + (size_t)start * x->stride[axis];
    Tensor *y = new_like(v);
    int sh[4], st[4];
    to4(v, sh, st);
    KERNEL(x->dev, copy_strided)(sh, v->data, st, y->data);
    Node *n = ad_record("slice", y, 1, &x, slice_bw);
    if (n) { n->p[0] = axis; n->p[1] = start; }
    return y;
}

static void slice_adj_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = mg_slice(g, n->p[0], n->p[1], n->in[0]->shape[n->p[0]]);
}

Tensor *mg_slice_adjoint(Tensor *g, int ndim, const int *full, int axis, int start) {
    Tensor *y = tensor_zeros(ndim, full);
    Tensor *v = tensor_view_header(y);
    v->shape[axis] = g->shape[axis];
    v->data = y->data + (size_t)start * y->stride[axis];
    Tensor *gc = mg_contiguous(g);
    int sh[4], st[4], gs[4];
    to4(v, sh, st);
    to4(gc, sh, gs);
    KERNEL(g->dev, copy_between)(sh, gc->data, gs, v->data, st);
    Node *n = ad_record("slice_adjoint", y, 1, &gc, slice_adj_bw);
    if (n) { n->p[0] = axis; n->p[1] = start; }
    return y;
}

static void concat_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    int axis = n->p[0], start = 0;
    for (int i = 0; i < n->nin; i++) {
        int len = n->in[i]->shape[axis];
        if (need[i]) gin[i] = mg_slice(g, axis, start, len);
        start += len;
    }
}

Tensor *mg_concat(int k, Tensor *const *xs, int axis) {
    MG_CHECK(k >= 1 && k <= MG_NODE_MAXIN, "concat of %d tensors (1..%d; nest concats for more)", k, MG_NODE_MAXIN);
    int shape[MG_MAXDIM], nd = xs[0]->ndim;
    for (int i = 0; i < nd; i++) shape[i] = xs[0]->shape[i];
    shape[axis] = 0;
    for (int j = 0; j < k; j++) {
        MG_CHECK(xs[j]->ndim == nd, "concat of tensors with different ranks");
        for (int i = 0; i < nd; i++)
            MG_CHECK(i == axis || xs[j]->shape[i] == xs[0]->shape[i], "concat %s with %s along %d",
                     tensor_shape_str(xs[0]), tensor_shape_str(xs[j]), axis);
        shape[axis] += xs[j]->shape[axis];
    }
    Tensor *y = tensor_new(nd, shape);
    int off = 0;
    for (int j = 0; j < k; j++) {
        Tensor *v = tensor_view_header(y);      /* window of y receiving xs[j] */
        v->shape[axis] = xs[j]->shape[axis];
        v->data = y->data + (size_t)off * y->stride[axis];
        int sh[4], vs[4], xsd[4];
        to4(v, sh, vs);
        to4(xs[j], sh, xsd);
        KERNEL(y->dev, copy_between)(sh, xs[j]->data, xsd, v->data, vs);
        off += xs[j]->shape[axis];
    }
    Node *n = ad_record("concat", y, k, xs, concat_bw);
    if (n) n->p[0] = axis;
    return y;
}
