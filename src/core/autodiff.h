/* Reverse-mode autodiff whose backward pass is itself differentiable.
 *
 * Define-by-run: while recording is on (mg_grad_enabled), every op whose inputs require grad
 * appends a Node to the tape.  A node's backward function computes the gradients of its inputs
 * *by calling ops*, never by writing numbers directly, so when mg_grad() runs with create_graph
 * the gradient computation is recorded too and can be differentiated again (R1, WGAN-GP,
 * path-length regularisation, gradients with respect to inputs for projection).
 * Fused kernels (batch norm, conv) keep this property by having their backward call other ops
 * of the same closed family (see ops/conv.c) or primitives when create_graph is on (ops/norm.c).
 *
 * Lifetime: nodes live in the tensor arena; mg_step_reset() resets arena and tape together. */
#ifndef MG_AUTODIFF_H
#define MG_AUTODIFF_H
#include "core/tensor.h"

#define MG_NODE_MAXIN 4

/* gin[i] = gradient for in[i], or NULL (zero / not needed).  need[i] says whether in[i]'s
 * gradient is wanted at all in this pass: a backward function may skip work where it is 0. */
typedef void (*BackwardFn)(Node *n, Tensor *gout, Tensor **gin, const int *need);

struct Node {
    const char *op;
    int nin;
    Tensor *in[MG_NODE_MAXIN];
    Tensor *out;
    BackwardFn backward;
    float f[4];                 /* scalar parameters of the op (slope, eps, ...) */
    int p[12];                  /* integer parameters (axes, stride, padding, ...) */
    Tensor *aux[2];             /* constant tensors the backward needs (masks, batch stats): not differentiated */
    const int *imap;            /* integer table the backward needs (pixel maps of gather_pixels), arena memory */
    int needed;                 /* scratch of mg_grad */
};

int mg_grad_enabled(void);
int mg_set_grad_enabled(int on);    /* returns the previous setting */

/* Called by ops after computing `out`: records a node when recording is on and any input
 * requires grad; returns it (for the op to fill f/p/aux) or NULL when nothing was recorded. */
Node *ad_record(const char *op, Tensor *out, int nin, Tensor *const *in, BackwardFn backward);

/* Gradients of sum_k <outs[k], gouts[k]> with respect to ins[j] (gouts[k] NULL means ones).
 * res[j] receives the gradient (a zero tensor where ins[j] does not influence the outputs).
 * With create_graph the result is recorded and can be differentiated again. */
void mg_grad(int nout, Tensor *const *outs, Tensor *const *gouts, int nin, Tensor *const *ins,
             Tensor **res, int create_graph);

/* PyTorch-style loss.backward(): accumulates d loss / d p into p->grad for every parameter p
 * (leaf with requires_grad and a grad buffer) that influences the scalar `loss`. */
void mg_backward(Tensor *loss);

Tensor *mg_detach(Tensor *x);       /* same data, cut from the graph */

/* Reset the tensor arena and the tape: call between training steps. */
void mg_step_reset(void);
size_t mg_tape_size(void);
#endif
