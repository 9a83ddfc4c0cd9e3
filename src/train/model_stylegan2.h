/* The StyleGAN2-style networks (models/stylegan2.h) as a GanModel, so that grids, `generate`,
 * `interpolate` and checkpoints work as for the other models.
 *   g_forward: z [N,Z,1,1] -> mapping (with the model's truncation psi) -> W as W+ -> synthesis
 *              with the fixed evaluation noise -> [N,C,R,R]
 *   d_forward: [N,C,R,R] -> [N,1,1,1]
 * Conditional (Sg2Spec.c_dim = n_classes > 0): both take the classes from m->labels (gan_g / gan_d
 * set them; the one-hot channels those add are dropped).
 * Buffers: the noise maps, "map.w_avg", and the training state "train.pl_mean" [1] and
 * "train.ada" [ADA_STATE_FLOATS] (augmentation controller, train/ada.h) so that a snapshot resumes exactly. */
#ifndef MG_MODEL_STYLEGAN2_H
#define MG_MODEL_STYLEGAN2_H
#include "models/stylegan2.h"
#include "train/gan_model.h"

int gan_stylegan2_init(GanModel *m, Sg2Spec s, Rng *init);    /* 0 or -1 + mg_error */
Sg2 *gan_stylegan2_net(GanModel *m);                           /* NULL when m is not a StyleGAN2 */
void gan_stylegan2_set_psi(GanModel *m, float psi);            /* truncation of g_forward (1: none) */
float *gan_stylegan2_pl_mean(GanModel *m);                     /* the path-length moving average (1 float) */
float *gan_stylegan2_ada_state(GanModel *m);                   /* ADA_STATE_FLOATS floats for the augmentation controller */
#endif
