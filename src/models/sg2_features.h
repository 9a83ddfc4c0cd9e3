/* What inversion needs from the StyleGAN2-style networks beyond models/stylegan2.h, kept apart from
 * the training code:
 *   - the discriminator's intermediate features (a perceptual distance that needs no pretrained
 *     network: the features of the D trained with the generator);
 *   - the synthesis network with explicit, per-image noise maps (the projector optimises them).
 * Both are written with the layers of models/sg2_layers.h; tests/test_inversion.c checks that they
 * reproduce sg2_discriminator and sg2_synthesis exactly.  Both need the networks at their full stage
 * (sg2_full_stage: a finished progressive-growing run; inversion refuses a checkpoint taken while growing). */
#ifndef MG_SG2_FEATURES_H
#define MG_SG2_FEATURES_H
#include "models/stylegan2.h"

/* Number of feature maps sg2_d_features returns: fromRGB's output and each residual block's. */
int sg2_d_num_features(const Sg2 *g);
/* img [N,C,R,R] -> feats[0] = fromRGB [N,C_R,R,R], feats[k] = output of the k-th residual block
 * [N,C_{r/2},r/2,r/2] (r = R / 2^(k-1)), k = 1..nblocks-1; the last one is what the 4x4 epilogue
 * (minibatch stddev, conv, fc) reads.  Every map depends on its own image only. */
void sg2_d_features(const Sg2 *g, Tensor *img, Tensor **feats);
/* The 4x4 epilogue of D on the last feature map: [N,C4,4,4] -> logits [N,1] (for tests). */
Tensor *sg2_d_epilogue(const Sg2 *g, Tensor *last);

/* Layers of the synthesis network that add noise: conv1 of block 4, conv0 and conv1 of every later
 * block, in the order sg2_synthesis runs them: 2 nblocks - 1 maps; map k has side sg2_noise_res(g, k). */
int sg2_num_noise(const Sg2 *g);
int sg2_noise_res(const Sg2 *g, int k);
/* The model's fixed evaluation noise of layer k (the buffer SG2_NOISE_CONST uses), [1,1,r,r]. */
Tensor *sg2_noise_const(const Sg2 *g, int k);
/* sg2_synthesis with noise[k] [N,1,r,r] or [1,1,r,r] added by layer k (times its learned strength);
 * noise == NULL: no noise.  ws [N,num_ws,Wd] -> [N,C,R,R]. */
Tensor *sg2_synthesis_noise(const Sg2 *g, Tensor *ws, Tensor *const *noise);
#endif
