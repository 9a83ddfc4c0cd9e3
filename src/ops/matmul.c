/* Matrix product and linear layer.  The family matmul(a, b, ta, tb) is closed under
 * differentiation: every gradient is another matmul with other transpose flags. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/gemm.h"

/* C = op(A) op(B).  dL/d op(A) = G op(B)^T ; dL/d op(B) = op(A)^T G */
static void matmul_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    Tensor *a = n->in[0], *b = n->in[1];
    int ta = n->p[0], tb = n->p[1];
    if (need[0]) gin[0] = ta ? mg_matmul(b, g, tb, 1) : mg_matmul(g, b, 0, !tb);
    if (need[1]) gin[1] = tb ? mg_matmul(g, a, 1, ta) : mg_matmul(a, g, !ta, 0);
}

Tensor *mg_matmul(Tensor *a, Tensor *b, int ta, int tb) {
    MG_CHECK(a->ndim == 2 && b->ndim == 2, "matmul of %s and %s (2-D only)", tensor_shape_str(a), tensor_shape_str(b));
    a = mg_contiguous(a);
    b = mg_contiguous(b);
    int M = ta ? a->shape[1] : a->shape[0], K = ta ? a->shape[0] : a->shape[1];
    int Kb = tb ? b->shape[1] : b->shape[0], N = tb ? b->shape[0] : b->shape[1];
    MG_CHECK(K == Kb, "matmul inner dimensions differ: %s%s x %s%s", tensor_shape_str(a), ta ? "^T" : "",
             tensor_shape_str(b), tb ? "^T" : "");
    Tensor *y = tensor_new(TSHAPE(M, N));
    KERNEL(a->dev, gemm)(ta, tb, M, N, K, 1.0f, a->data, a->shape[1], b->data, b->shape[1], 0.0f, y->data, N);
    Node *n = ad_record("matmul", y, 2, (Tensor *[]){a, b}, matmul_bw);
    if (n) { n->p[0] = ta; n->p[1] = tb; }
    return y;
}

Tensor *mg_linear(Tensor *x, Tensor *w, Tensor *b) {
    Tensor *y = mg_matmul(x, w, 0, 1);          /* [N,I] x [O,I]^T -> [N,O] */
    return b ? mg_add(y, b) : y;
}
