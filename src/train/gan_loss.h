/* GAN objectives on D's logits.  pr = D(real), pf = D(fake), both [N,1,1,1]; results are scalars.
 *   bce      D: (bce(pf, 0) + bce(pr, 1 - smooth)) / 2      G: bce(pf, 1)     (non-saturating)
 *   wgan-gp  D: mean pf - mean pr (+ lambda gp, added by the step)   G: -mean pf
 *   hinge    D: mean relu(1 - pr) + mean relu(1 + pf)       G: -mean pf
 *   lsgan    D: (mean (pr - 1)^2 + mean pf^2) / 2          G: mean (pf - 1)^2 / 2
 * smooth: one-sided label smoothing of the real target (bce only; 0 = none). */
#ifndef MG_GAN_LOSS_H
#define MG_GAN_LOSS_H
#include "ops/ops.h"

typedef enum { GAN_BCE, GAN_WGAN_GP, GAN_HINGE, GAN_LSGAN } GanLoss;
extern const char *const gan_loss_names[];      /* "bce", "wgan-gp", "hinge", "lsgan"; NULL-terminated */

Tensor *gan_d_loss(GanLoss loss, Tensor *pr, Tensor *pf, float smooth);
Tensor *gan_g_loss(GanLoss loss, Tensor *pf);
/* mean_n (|d sum D(mix) / d mix_n|_2 - 1)^2, mix = eps real + (1 - eps) fake, eps [N,1,1,1];
 * recorded with create_graph so the D step differentiates it again. */
typedef struct GanModel GanModel;
Tensor *gan_gradient_penalty(GanModel *m, Tensor *real, Tensor *fake, Tensor *eps);
#endif
