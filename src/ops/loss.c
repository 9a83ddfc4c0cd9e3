/* Losses, composed from ops so that they differentiate twice (gradient penalties on the
 * discriminator loss differentiate through them).  Scalars (ndim 0) come back. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/onehot.h"

static void check_same(const Tensor *a, const Tensor *b, const char *what) {
    MG_CHECK(tensor_same_shape(a, b), "%s of %s and %s (shapes must match)", what, tensor_shape_str(a),
             tensor_shape_str(b));
}

/* mean(softplus(x) - x t) = mean(-t log sigmoid(x) - (1-t) log(1 - sigmoid(x))), stable for any x */
Tensor *mg_bce_with_logits(Tensor *logits, Tensor *targets) {
    check_same(logits, targets, "bce_with_logits");
    return mg_mean_all(mg_sub(mg_softplus(logits), mg_mul(logits, targets)));
}

Tensor *mg_mse(Tensor *a, Tensor *b) {
    check_same(a, b, "mse");
    return mg_mean_all(mg_square(mg_sub(a, b)));
}

Tensor *mg_l1(Tensor *a, Tensor *b) {
    check_same(a, b, "l1");
    return mg_mean_all(mg_abs(mg_sub(a, b)));
}

/* logits [N,K]: mean over n of logsumexp(x_n) - x_n[label_n] */
Tensor *mg_softmax_cross_entropy(Tensor *logits, const int *labels) {
    MG_CHECK(logits->ndim == 2, "softmax_cross_entropy of %s (needs [N,K])", tensor_shape_str(logits));
    int N = logits->shape[0], K = logits->shape[1];
    for (int n = 0; n < N; n++)
        MG_CHECK(labels[n] >= 0 && labels[n] < K, "label %d of sample %d outside [0,%d)", labels[n], n, K);
    Tensor *onehot = tensor_new(TSHAPE(N, K));                  /* constant [N,K] */
    KERNEL(logits->dev, one_hot)(N, K, labels, onehot->data);
    Tensor *picked = mg_sum(mg_mul(logits, onehot), 0x2u, 1);    /* [N,1] */
    return mg_mean_all(mg_sub(mg_logsumexp(logits), picked));
}

/* KL(N(mu, e^logvar) || N(0, 1)) = -1/2 sum(1 + logvar - mu^2 - e^logvar) per sample, mean over N */
Tensor *mg_gaussian_kl(Tensor *mu, Tensor *logvar) {
    check_same(mu, logvar, "gaussian_kl");
    MG_CHECK(mu->ndim >= 1 && mu->shape[0] > 0, "gaussian_kl of %s (needs a batch dimension)", tensor_shape_str(mu));
    Tensor *t = mg_sub(mg_sub(logvar, mg_square(mu)), mg_exp(logvar));  /* the +1 is added as a constant below */
    double per = (double)tensor_numel(mu);
    return mg_affine(mg_sum_all(t), (float)(-0.5 / mu->shape[0]), (float)(-0.5 * per / mu->shape[0]));
}
