/* Gradient checks against central finite differences, first and second order.
 *
 * f(inputs) -> tensor y.  The scalar checked is L = sum(y * R) with R a fixed random tensor, so
 * every output element matters.  Inputs are leaf tensors with requires_grad = 1; their data is
 * perturbed in place and restored.
 *
 * First order:  dL/d in[i] from mg_grad vs (L(x+h) - L(x-h)) / 2h, evaluated in double-accumulated
 *               float32.  Kinks (ReLU-like ops): the element is skipped where the estimates with h and
 *               h/2 disagree, or where the second differences D2(s) = L(x+s) - 2L(x) + L(x-s) break
 *               the smooth scaling D2(h) = 4 D2(h/2) + O(h^4) (a kink inside [x-h, x+h] makes them
 *               scale like h instead), by more than the tolerance; at most 20% may be skipped.
 * Second order: P = sum_x (dL/dx)^2 with dL/dx computed with create_graph; dP/d in[j] from mg_grad vs
 *               finite differences of P, where P itself is computed by a first-order pass and summed in double. */
#ifndef MG_GRADCHECK_H
#define MG_GRADCHECK_H
#include "ops/ops.h"
#include "core/rng.h"
#include "test.h"
#include <string.h>

typedef Tensor *(*GcFn)(Tensor *const *in, void *ctx);

static Tensor *gc_weights(const Tensor *y, uint64_t seed) {
    Tensor *r = tensor_new(y->ndim, y->shape);
    Rng g = rng_new(seed);
    rng_uniform(&g, r->data, tensor_numel(r), -1.0f, 1.0f);
    return r;
}

static double gc_loss(GcFn f, void *ctx, Tensor *const *in, const Tensor *R) {
    int old = mg_set_grad_enabled(0);
    Tensor *y = mg_contiguous(f(in, ctx));
    double s = 0;
    for (size_t i = 0; i < tensor_numel(y); i++) s += (double)y->data[i] * R->data[i];
    mg_set_grad_enabled(old);
    return s;
}

/* A scalar function of the inputs, evaluated by finite differences. */
typedef double (*GcScalar)(void *c, Tensor *const *in);

/* Compares the analytic gradients g[i] of a scalar S(in) with central differences of S, for at most
 * `maxel` evenly spaced elements per input; skips kinks (see the top of this file). */
static int gc_compare(const char *name, GcScalar S, void *c, int nin, Tensor *const *in, Tensor **g, double h,
                      double tol, int maxel) {
    int bad = 0, checked = 0, skipped = 0;
    for (int i = 0; i < nin; i++) {
        size_t n = tensor_numel(in[i]);
        size_t step = n > (size_t)maxel ? n / maxel : 1;
        for (size_t e = 0; e < n; e += step) {
            float *p = &in[i]->data[e], x0 = *p;
            double v[5], hs[5] = {h, -h, h / 2, -h / 2, 0};   /* S at x+h, x-h, x+h/2, x-h/2, x */
            for (int k = 0; k < 5; k++) {
                *p = x0 + hs[k];
                v[k] = S(c, in);
            }
            *p = x0;
            double fd = (v[0] - v[1]) / (2 * h), fd2 = (v[2] - v[3]) / h, an = g[i]->data[e];
            double kink = fabs((v[0] - 2 * v[4] + v[1]) - 4 * (v[2] - 2 * v[4] + v[3])) / h;
            double scale = fmax(1.0, fmax(fabs(fd), fabs(an)));
            if (fabs(fd - fd2) > tol * scale || kink > tol * scale) {
                skipped++;           /* a kink between x-h and x+h */
                continue;
            }
            checked++;
            if (fabs(fd - an) > tol * scale) {
                if (bad < 5) fprintf(stderr, "  %s: d/d in%d[%zu]: autodiff %.6g, finite diff %.6g\n", name, i, e, an, fd);
                bad++;
            }
        }
    }
    if (skipped * 5 > checked + skipped) {
        fprintf(stderr, "  %s: %d of %d elements skipped as kinks\n", name, skipped, checked + skipped);
        bad++;
    }
    return bad == 0 && checked > 0;
}

typedef struct { GcFn f; void *ctx; int wrt; Tensor *R; } GcCtx;

/* L = sum(f(in) * R), first order */
static double gc1_scalar(void *c, Tensor *const *in) {
    GcCtx *g = c;
    return gc_loss(g->f, g->ctx, in, g->R);
}

static int gradcheck(const char *name, GcFn f, void *ctx, int nin, Tensor *const *in, double h, double tol, int maxel) {
    Tensor *y = f(in, ctx);
    GcCtx c = {f, ctx, 0, gc_weights(y, 1234)};
    Tensor *g[8];
    mg_grad(1, &y, &c.R, nin, in, g, 0);
    return gc_compare(name, gc1_scalar, &c, nin, in, g, h, tol, maxel);
}

/* P = sum((dL/d in[wrt])^2), computed with or without create_graph */
static Tensor *gc2_penalty(GcCtx *c, Tensor *const *in, int create) {
    int old = mg_set_grad_enabled(1);
    Tensor *y = c->f(in, c->ctx);
    Tensor *gx;
    mg_grad(1, &y, &c->R, 1, &in[c->wrt], &gx, create);
    Tensor *p = mg_sum_all(mg_square(gx));
    mg_set_grad_enabled(old);
    return p;
}

/* P for the finite differences: the squares of the float32 gradient summed in double, so that P's own rounding
 * (an ulp of P is far above its second differences when P is large) does not swamp them */
static double gc2_scalar(void *c, Tensor *const *in) {
    GcCtx *g = c;
    int old = mg_set_grad_enabled(1);
    Tensor *y = g->f(in, g->ctx), *gx;
    mg_grad(1, &y, &g->R, 1, &in[g->wrt], &gx, 0);
    mg_set_grad_enabled(old);
    double p = 0;
    for (size_t i = 0; i < tensor_numel(gx); i++) p += (double)gx->data[i] * gx->data[i];
    return p;
}

static int gradcheck2(const char *name, GcFn f, void *ctx, int nin, Tensor *const *in, int wrt, double h, double tol,
                      int maxel) {
    Tensor *y = f(in, ctx);
    GcCtx c = {f, ctx, wrt, gc_weights(y, 99)};
    Tensor *P = gc2_penalty(&c, in, 1);
    Tensor *g[8];
    mg_grad(1, &P, NULL, nin, in, g, 0);
    char label[128];
    snprintf(label, sizeof label, "%s (2nd order)", name);
    return gc_compare(label, gc2_scalar, &c, nin, in, g, h, tol, maxel);
}

/* a leaf input with values uniform in [lo, hi) */
static Tensor *gc_input(int ndim, const int *shape, uint64_t seed, float lo, float hi) {
    Tensor *t = tensor_new(ndim, shape);
    Rng r = rng_new(seed);
    rng_uniform(&r, t->data, tensor_numel(t), lo, hi);
    t->requires_grad = 1;
    return t;
}
#endif
