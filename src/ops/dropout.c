/* Inverted dropout: y = x * mask, mask = 0 with probability p, else 1/(1-p).  The mask is a
 * constant tensor drawn from the Philox stream, so mg_mul supplies the gradients (any order). */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/random.h"

Tensor *mg_dropout(Tensor *x, float p, Rng *rng, int training) {
    MG_CHECK(p >= 0 && p < 1, "dropout probability %g (needs 0 <= p < 1)", (double)p);
    if (!training || p == 0) return x;
    MG_CHECK(rng, "dropout in training mode without a generator");
    Tensor *mask = new_like(x);                                  /* same shape as x, contiguous */
    KERNEL(x->dev, dropout_mask)(rng, tensor_numel(mask), p, mask->data);
    return mg_mul(x, mask);
}
