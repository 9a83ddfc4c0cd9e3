/* Per-image image distances (see perceptual.h). */
#include "inversion/perceptual.h"

#define AXES_CHW (1u << 1 | 1u << 2 | 1u << 3)

Tensor *dist_l2(Tensor *a, Tensor *b) { return mg_mean(mg_square(mg_sub(a, b)), AXES_CHW, 0); }
Tensor *dist_l1(Tensor *a, Tensor *b) { return mg_mean(mg_abs(mg_sub(a, b)), AXES_CHW, 0); }

Tensor *perc_unit(Tensor *f) {
    return mg_mul(f, mg_rsqrt(mg_affine(mg_sum(mg_square(f), 1u << 1, 1), 1.0f, PERC_EPS)));   /* [N,C,H,W] */
}

Tensor *perceptual_distance(int nf, Tensor *const *fa, Tensor *const *ub, Tensor *const *wt) {
    Tensor *d = NULL;
    for (int l = 0; l < nf; l++) {
        Tensor *sq = mg_square(mg_sub(perc_unit(fa[l]), ub[l]));                         /* [N,C,H,W] */
        if (wt && wt[l]) sq = mg_mul(sq, mg_reshape(wt[l], TSHAPE(wt[l]->shape[0], 1, 1)));
        Tensor *dl = mg_mean(mg_sum(sq, 1u << 1, 0), 1u << 1 | 1u << 2, 0);              /* [N] */
        d = d ? mg_add(d, dl) : dl;
    }
    return d;
}
