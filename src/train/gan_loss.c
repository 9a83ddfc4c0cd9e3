#include "train/gan_loss.h"
#include "train/gan_model.h"

const char *const gan_loss_names[] = {"bce", "wgan-gp", "hinge", "lsgan", NULL};

static Tensor *bce_const(Tensor *logits, float target) {
    return mg_bce_with_logits(logits, tensor_full(logits->ndim, logits->shape, target));
}

Tensor *gan_d_loss(GanLoss loss, Tensor *pr, Tensor *pf, float smooth) {
    switch (loss) {
    case GAN_BCE: return mg_affine(mg_add(bce_const(pf, 0.0f), bce_const(pr, 1.0f - smooth)), 0.5f, 0.0f);
    case GAN_WGAN_GP: return mg_sub(mg_mean_all(pf), mg_mean_all(pr));
    case GAN_HINGE:
        return mg_add(mg_mean_all(mg_relu(mg_affine(pr, -1.0f, 1.0f))), mg_mean_all(mg_relu(mg_affine(pf, 1.0f, 1.0f))));
    case GAN_LSGAN:
        return mg_affine(mg_add(mg_mean_all(mg_square(mg_affine(pr, 1.0f, -1.0f))), mg_mean_all(mg_square(pf))), 0.5f, 0.0f);
    }
    return NULL;
}

Tensor *gan_g_loss(GanLoss loss, Tensor *pf) {
    switch (loss) {
    case GAN_BCE: return bce_const(pf, 1.0f);
    case GAN_WGAN_GP:
    case GAN_HINGE: return mg_neg(mg_mean_all(pf));
    case GAN_LSGAN: return mg_affine(mg_mean_all(mg_square(mg_affine(pf, 1.0f, -1.0f))), 0.5f, 0.0f);
    }
    return NULL;
}

Tensor *gan_gradient_penalty(GanModel *m, Tensor *real, Tensor *fake, Tensor *eps) {
    const int n = real->shape[0];
    int old = mg_set_grad_enabled(0);
    Tensor *mix = mg_add(mg_mul(eps, real), mg_mul(mg_affine(eps, -1.0f, 1.0f), fake));   /* [N,C,S,S], a leaf */
    mg_set_grad_enabled(old);
    mix->requires_grad = 1;
    Tensor *out = gan_d(m, mix, 1), *g;          /* [N,1,1,1] */
    mg_grad(1, &out, NULL, 1, &mix, &g, 1);
    Tensor *norm = mg_sqrt(mg_sum(mg_square(mg_reshape(g, TSHAPE(n, -1))), 1u << 1, 0));   /* [N] */
    return mg_mean_all(mg_square(mg_affine(norm, 1.0f, -1.0f)));
}
