/* Batch and instance normalisation.
 *
 * Forward: one fused kernel (kernels/norm.h) computes the statistics and the output and saves
 * mean and rstd [G] in the node's aux.  Backward, two branches giving the same numbers:
 *  - a plain first-order pass (recording off): the fused backward kernel;
 *  - create_graph (recording on): the same formula built from primitive ops, with mean, rstd
 *    and xhat recomputed from the input by ops, so that the gradient is itself differentiable.
 * mg_batch_norm_act adds a leaky ReLU (slope >= 0) to batch norm in the same kernels, forward and backward,
 * rounding as the two ops would (the same numbers, one pass less each way).
 * Batch norm in eval mode is y = x * scale + shift with per-channel constants from the running
 * statistics; its backward is written with ops (the constants are not differentiated). */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/norm.h"

enum { NORM_BATCH = 0, NORM_INSTANCE = 1 };

/* x read as [outer, G, S] (kernels/norm.h); stat_axes: dims the statistics run over;
 * chan_axes: dims summed to reduce a tensor shaped like x to [C] */
typedef struct {
    int outer, G, C;
    long S;
    unsigned stat_axes, chan_axes;
} NormGeom;

static NormGeom norm_geom(const Tensor *x, int kind) {
    NormGeom g;
    if (kind == NORM_BATCH) {
        MG_CHECK(x->ndim == 2 || x->ndim == 4, "batch_norm of %s (needs [N,C] or [N,C,H,W])", tensor_shape_str(x));
        g.outer = x->shape[0];
        g.G = g.C = x->shape[1];
        g.S = x->ndim == 4 ? (long)x->shape[2] * x->shape[3] : 1;
        g.stat_axes = g.chan_axes = x->ndim == 4 ? 0xDu : 0x1u;
    } else {
        MG_CHECK(x->ndim == 4, "instance_norm of %s (needs [N,C,H,W])", tensor_shape_str(x));
        g.outer = 1;
        g.C = x->shape[1];
        g.G = x->shape[0] * x->shape[1];
        g.S = (long)x->shape[2] * x->shape[3];
        g.stat_axes = 0xCu;
        g.chan_axes = 0xDu;
    }
    return g;
}

/* a [C] tensor viewed so that it broadcasts along dim 1 of an ndim-d tensor */
static Tensor *chan_view(Tensor *t, int ndim) {
    return ndim == 4 ? mg_reshape(t, TSHAPE(t->shape[0], 1, 1)) : t;
}

/* gamma or beta: NULL or [C]; returned contiguous (the kernels read them as plain arrays) */
static Tensor *check_param(Tensor *p, int C, const char *what, const Tensor *x) {
    MG_CHECK(!p || (p->ndim == 1 && p->shape[0] == C), "%s of shape %s for input %s (needs [%d])", what,
             tensor_shape_str(p), tensor_shape_str(x), C);
    return p ? mg_contiguous(p) : NULL;
}

static const float *data_or_null(Tensor *t) { return t ? t->data : NULL; }

/* ---------- training-mode statistics (batch norm, instance norm) ---------- */

/* the kernels' scratch, from the step arena */
static double *norm_scratch(const NormGeom *ng) {
    return arena_alloc(tensor_arena(), norm_scratch_doubles(ng->outer, ng->G) * sizeof(double));
}

static void norm_bw_fused(Node *n, const NormGeom *ng, Tensor *g, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *gamma = n->in[1];
    Tensor *gc = mg_contiguous(g);
    Tensor *gx = need[0] ? new_like(x) : NULL;
    Tensor *gg = need[1] ? tensor_new(TSHAPE(ng->C)) : NULL;
    Tensor *gb = need[2] ? tensor_new(TSHAPE(ng->C)) : NULL;
    KERNEL(x->dev, norm_backward)(ng->outer, ng->G, ng->S, ng->C, x->data, gc->data, n->p[1] ? n->out->data : NULL,
                                  n->f[1], n->aux[0]->data, n->aux[1]->data, data_or_null(gamma), gx ? gx->data : NULL,
                                  gg ? gg->data : NULL, gb ? gb->data : NULL, norm_scratch(ng));
    gin[0] = gx;
    gin[1] = gg;
    gin[2] = gb;
}

/* the same formula with ops: every quantity is a differentiable function of x, gamma and g */
static void norm_bw_composed(Node *n, const NormGeom *ng, Tensor *g, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *gamma = n->in[1];
    unsigned ax = ng->stat_axes;
    Tensor *xc = mg_sub(x, mg_mean(x, ax, 1));                                      /* x - mean */
    Tensor *rstd = mg_rsqrt(mg_affine(mg_mean(mg_square(xc), ax, 1), 1, n->f[0]));  /* keepdim */
    Tensor *xhat = mg_mul(xc, rstd);
    if (need[0]) {
        Tensor *gxh = gamma ? mg_mul(g, chan_view(gamma, x->ndim)) : g;
        Tensor *t = mg_sub(mg_sub(gxh, mg_mean(gxh, ax, 1)), mg_mul(xhat, mg_mean(mg_mul(gxh, xhat), ax, 1)));
        gin[0] = mg_mul(rstd, t);
    }
    if (need[1]) gin[1] = mg_sum(mg_mul(g, xhat), ng->chan_axes, 0);
    if (need[2]) gin[2] = mg_sum(g, ng->chan_axes, 0);
}

/* With an activation (p[1]) the node's output y is leaky_relu(norm, f[1]): its backward is g * (y > 0 ? 1 : slope),
 * the same mask as from the normalised values (slope >= 0 keeps the sign), folded into the fused kernel */
static void norm_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    NormGeom ng = norm_geom(n->in[0], n->p[0]);
    if (mg_grad_enabled()) norm_bw_composed(n, &ng, n->p[1] ? mg_mask_mul(g, n->out, 1, n->f[1]) : g, gin, need);
    else norm_bw_fused(n, &ng, g, gin, need);
}

/* normalise with the statistics of x, then (act) leaky_relu with slope; *mean_out (if not NULL) receives
 * the mean [G] and var [G] (if not NULL) the biased variance */
static Tensor *norm_train(Tensor *x, Tensor *gamma, Tensor *beta, float eps, int kind, int act, float slope,
                          Tensor **mean_out, Tensor *var) {
    NormGeom ng = norm_geom(x, kind);
    gamma = check_param(gamma, ng.C, "gamma", x);
    beta = check_param(beta, ng.C, "beta", x);
    Tensor *xc = mg_contiguous(x);
    Tensor *y = new_like(xc);
    Tensor *mean = tensor_new(TSHAPE(ng.G)), *rstd = tensor_new(TSHAPE(ng.G));   /* [G] */
    KERNEL(x->dev, norm_forward)(ng.outer, ng.G, ng.S, ng.C, xc->data, data_or_null(gamma), data_or_null(beta),
                                 eps, act, slope, y->data, mean->data, rstd->data, var ? var->data : NULL,
                                 norm_scratch(&ng));
    Node *n = ad_record(kind == NORM_BATCH ? (act ? "batch_norm_act" : "batch_norm") : "instance_norm", y, 3,
                        (Tensor *[]){xc, gamma, beta}, norm_bw);
    if (mean_out) *mean_out = mean;
    if (n) {
        n->f[0] = eps;
        n->p[0] = kind;
        n->p[1] = act;
        n->f[1] = slope;
        n->aux[0] = mean;
        n->aux[1] = rstd;
    }
    return y;
}

/* ---------- batch norm in eval mode: per-channel constants ---------- */

static void bn_eval_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *gamma = n->in[1], *mean = n->aux[0], *rstd = n->aux[1];   /* [C] constants */
    int nd = x->ndim;
    unsigned chan_axes = nd == 4 ? 0xDu : 0x1u;
    if (need[0]) gin[0] = mg_mul(g, chan_view(gamma ? mg_mul(gamma, rstd) : rstd, nd));
    if (need[1]) gin[1] = mg_sum(mg_mul(g, mg_mul(mg_sub(x, chan_view(mean, nd)), chan_view(rstd, nd))), chan_axes, 0);
    if (need[2]) gin[2] = mg_sum(g, chan_axes, 0);
}

static Tensor *bn_eval(Tensor *x, Tensor *gamma, Tensor *beta, const BatchNormStats *st) {
    NormGeom ng = norm_geom(x, NORM_BATCH);
    gamma = check_param(gamma, ng.C, "gamma", x);
    beta = check_param(beta, ng.C, "beta", x);
    MG_CHECK(st && st->running_mean && st->running_var, "batch_norm in eval mode without running statistics");
    int old = mg_set_grad_enabled(0);
    Tensor *mean = tensor_from(TSHAPE(ng.C), st->running_mean);        /* copies: later updates do not leak in */
    Tensor *rstd = mg_rsqrt(mg_affine(tensor_from(TSHAPE(ng.C), st->running_var), 1, st->eps));
    mg_set_grad_enabled(old);
    Tensor *xc = mg_contiguous(x);
    Tensor *y = new_like(xc);
    KERNEL(x->dev, norm_apply)(ng.outer, ng.G, ng.S, ng.C, xc->data, mean->data, rstd->data, data_or_null(gamma),
                               data_or_null(beta), y->data);
    Node *n = ad_record("batch_norm_eval", y, 3, (Tensor *[]){xc, gamma, beta}, bn_eval_bw);
    if (n) {
        n->aux[0] = mean;
        n->aux[1] = rstd;
    }
    return y;
}

/* ---------- public ---------- */

static Tensor *batch_norm(Tensor *x, Tensor *gamma, Tensor *beta, BatchNormStats *st, int training, int act,
                          float slope) {
    if (!training) {
        Tensor *y = bn_eval(x, gamma, beta, st);
        return act ? mg_leaky_relu(y, slope) : y;
    }
    NormGeom ng = norm_geom(x, NORM_BATCH);
    int track = st && st->running_mean && st->running_var;
    Tensor *var = track ? tensor_new(TSHAPE(ng.C)) : NULL;              /* [C] biased batch variance */
    Tensor *mean = NULL;
    Tensor *y = norm_train(x, gamma, beta, st ? st->eps : 1e-5f, NORM_BATCH, act, slope, &mean, var);
    if (track)
        KERNEL(x->dev, norm_update_running)(ng.C, mean->data, var->data, (long)ng.outer * ng.S, st->momentum,
                                            st->running_mean, st->running_var);
    return y;
}

Tensor *mg_batch_norm(Tensor *x, Tensor *gamma, Tensor *beta, BatchNormStats *st, int training) {
    return batch_norm(x, gamma, beta, st, training, 0, 0);
}

Tensor *mg_batch_norm_act(Tensor *x, Tensor *gamma, Tensor *beta, BatchNormStats *st, int training, float slope) {
    MG_CHECK(slope >= 0, "batch_norm_act: slope %g (needs >= 0)", slope);
    return batch_norm(x, gamma, beta, st, training, 1, slope);
}

Tensor *mg_instance_norm(Tensor *x, Tensor *gamma, Tensor *beta, float eps) {
    return norm_train(x, gamma, beta, eps, NORM_INSTANCE, 0, 0, NULL, NULL);
}
