/* Image distances of inversion, per image (each [N], differentiable):
 *   l2:          mean over C,H,W of (a - b)^2 (images in (-1, 1))
 *   l1:          mean of |a - b|
 *   perceptual:  LPIPS's formula (Zhang et al. 2018) on any network's feature maps:
 *                sum over maps l of mean over (h, w) of sum over channels c of
 *                wt_l[c] (a_l / |a_l| - b_l / |b_l|)^2, |.| the channel vector's length at (h, w);
 *                wt = NULL: every weight 1 (LPIPS's "baseline" variant, what we use with the
 *                discriminator's features, for which no learned weights exist).
 * unit features are computed as f * rsqrt(sum_c f^2 + PERC_EPS). */
#ifndef MG_PERCEPTUAL_H
#define MG_PERCEPTUAL_H
#include "ops/ops.h"

#define PERC_EPS 1e-6f

Tensor *dist_l2(Tensor *a, Tensor *b);                 /* [N,C,H,W] x2 -> [N] */
Tensor *dist_l1(Tensor *a, Tensor *b);
Tensor *perc_unit(Tensor *f);                          /* [N,C,H,W] -> unit channel vectors */
/* fa: feature maps of the images, ub: UNIT feature maps of the references (perc_unit), nf maps;
 * wt[l]: [C_l] or NULL (wt itself may be NULL) -> [N] */
Tensor *perceptual_distance(int nf, Tensor *const *fa, Tensor *const *ub, Tensor *const *wt);
#endif
