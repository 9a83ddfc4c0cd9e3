/* The epilogue of a StyleGAN2 layer as one op: act(x * s + noise + b) * gain in one memory pass instead of
 * four (kernels/bias_act.h).  Its backward is the backward of the separate ops, term by term, written with ops
 * when it is recorded (so it differentiates again, for R1 and path length) and one fused pass otherwise: the
 * same numbers either way. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/bias_act.h"
#include <omp.h>

enum { IN_X, IN_S, IN_NOISE, IN_B };

/* the gradients in one pass (kernels/bias_act.h), when they are not themselves recorded */
static int fused_backward(Node *n, Tensor *g, Tensor **gin, const int *need) {
    Tensor *x = n->in[IN_X], *s = n->in[IN_S], *noise = n->in[IN_NOISE], *b = n->in[IN_B];
    const int N = x->shape[0], C = x->shape[1];
    /* the shapes whose separate-op sums the kernel reproduces (one pixel would sum the noise gradient another way) */
    const int P = x->shape[2] * x->shape[3];
    if (mg_grad_enabled() || N < 2 || C < 2 || P < 2 || (noise && noise->shape[0] != N)) return 0;
    Tensor *gc = mg_contiguous(g);
    BiasAct e = {N, C, P, s ? s->data : NULL, noise ? noise->data : NULL, N, b ? b->data : NULL,
                 n->f[0], n->f[1]};
    BiasActGrads d = {0};
    if (need[IN_X]) d.dx = (gin[IN_X] = new_like(x))->data;
    if (s && need[IN_S]) d.ds = (gin[IN_S] = new_like(s))->data;
    if (noise && need[IN_NOISE]) {
        d.dnoise = (gin[IN_NOISE] = new_like(noise))->data;
        d.threads = omp_get_max_threads();
        d.noise_acc = arena_alloc(tensor_arena(), (size_t)d.threads * P * sizeof(double));
    }
    if (b && need[IN_B]) {
        d.db = (gin[IN_B] = new_like(b))->data;
        d.row_sums = arena_alloc(tensor_arena(), (size_t)N * C * sizeof(float));
    }
    KERNEL(x->dev, bias_act_backward)(&e, gc->data, n->out->data, x->data, &d);
    return 1;
}

static void bias_act_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    if (fused_backward(n, g, gin, need)) return;
    Tensor *x = n->in[IN_X], *s = n->in[IN_S], *noise = n->in[IN_NOISE], *b = n->in[IN_B];
    const float slope = n->f[0], gain = n->f[1];
    /* the activation's gradient: out > 0 exactly where its input is (see the check in mg_bias_act) */
    Tensor *t = slope == 1.0f && gain == 1.0f ? g : mg_mask_mul(g, n->out, gain, slope * gain);   /* [N,C,H,W] */
    if (need[IN_X]) gin[IN_X] = s ? mg_mul(t, s) : t;
    if (s && need[IN_S]) gin[IN_S] = mg_mul_sum_to(t, x, s->ndim, s->shape);                     /* [N,C,1,1] */
    if (noise && need[IN_NOISE]) gin[IN_NOISE] = mg_sum_to(t, noise->ndim, noise->shape);        /* [N|1,1,H,W] */
    if (b && need[IN_B]) gin[IN_B] = mg_reshape(mg_sum_to(t, TSHAPE(b->shape[0], 1, 1)), TSHAPE(b->shape[0]));
}

Tensor *mg_bias_act(Tensor *x, Tensor *s, Tensor *noise, Tensor *b, float slope, float gain) {
    MG_CHECK(x->ndim == 4, "bias_act of %s (wants [N,C,H,W])", tensor_shape_str(x));
    const int N = x->shape[0], C = x->shape[1], Hh = x->shape[2], W = x->shape[3];
    MG_CHECK(!s || (s->ndim == 4 && s->shape[0] == N && s->shape[1] == C && s->shape[2] == 1 && s->shape[3] == 1),
             "bias_act: scale %s for x %s (wants [N,C,1,1])", s ? tensor_shape_str(s) : "", tensor_shape_str(x));
    MG_CHECK(!noise || (noise->ndim == 4 && (noise->shape[0] == N || noise->shape[0] == 1) && noise->shape[1] == 1 &&
                        noise->shape[2] == Hh && noise->shape[3] == W),
             "bias_act: noise %s for x %s (wants [N or 1,1,H,W])", noise ? tensor_shape_str(noise) : "",
             tensor_shape_str(x));
    MG_CHECK(!b || (b->ndim == 1 && b->shape[0] == C), "bias_act: bias %s for x %s", b ? tensor_shape_str(b) : "",
             tensor_shape_str(x));
    /* the backward reads the activation's mask from the output: out > 0 exactly where v > 0 needs slope >= 0 and a
     * gain that cannot round a positive v to zero (gain >= 0.5 keeps even the smallest denormal positive) */
    MG_CHECK(slope >= 0 && gain >= 0.5f, "bias_act: slope %g, gain %g (needs slope >= 0, gain >= 0.5)", slope, gain);
    Tensor *xc = mg_contiguous(x), *sc = s ? mg_contiguous(s) : NULL, *nc = noise ? mg_contiguous(noise) : NULL;
    Tensor *bc = b ? mg_contiguous(b) : NULL;
    Tensor *y = new_like(x);
    BiasAct e = {N, C, Hh * W, sc ? sc->data : NULL, nc ? nc->data : NULL, nc ? nc->shape[0] : 1,
                 bc ? bc->data : NULL, slope, gain};
    KERNEL(x->dev, bias_act)(&e, xc->data, y->data);
    Node *n = ad_record("bias_act", y, 4, (Tensor *[]){xc, sc, nc, bc}, bias_act_bw);
    if (n) { n->f[0] = slope; n->f[1] = gain; }
    return y;
}
