/* The course DCGAN (models/dcgan_course.h) as a GanModel: 28x28 grayscale, z = 64.
 * D has batch norm unless d_bn == 0 (the WGAN-GP critic); sn: spectral normalisation of D's three
 * conv weights (train/spectral_norm.h; needs d_bn == 0), u and v buffers "D.sn<i>.u", "D.sn<i>.v".  init_normal: the DCGAN paper's N(0, 0.02)
 * initialisation (otherwise PyTorch's default).  BN running statistics move into m->buffers
 * ("G.bn" then "D.bn", each [means | variances]). */
#ifndef MG_MODEL_DCGAN_COURSE_H
#define MG_MODEL_DCGAN_COURSE_H
#include "core/rng.h"
#include "train/gan_model.h"

void gan_dcgan_course_init(GanModel *m, int d_bn, int sn, int init_normal, Rng *init);
#endif
