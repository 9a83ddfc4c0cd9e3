/* Helpers shared by the op implementations (internal to src/ops). */
#ifndef MG_OP_UTIL_H
#define MG_OP_UTIL_H
#include "core/autodiff.h"
#include "core/error.h"
#include "kernels/dispatch.h"

static inline Tensor *new_like(const Tensor *x) { return tensor_new(x->ndim, x->shape); }

/* right-align a tensor's shape/strides into 4 dims (leading 1s, stride 0) */
static inline void to4(const Tensor *t, int *shape4, int *stride4) {
    int off = MG_MAXDIM - t->ndim;
    for (int i = 0; i < MG_MAXDIM; i++) {
        shape4[i] = i < off ? 1 : t->shape[i - off];
        if (stride4) stride4[i] = i < off ? 0 : t->stride[i - off];
    }
}

/* Tensor `x` must be contiguous for the kernel: returns x itself or a differentiable copy. */
Tensor *mg_contiguous(Tensor *x);
#endif
