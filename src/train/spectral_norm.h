/* Spectral normalisation (Miyato et al. 2018) as PyTorch's torch.nn.utils.spectral_norm:
 * W [Co, ...] is seen as a matrix [Co, K]; in training mode one power iteration updates the
 * buffers v = normalize(W^T u), u = normalize(W v) (no gradient through them); then
 * sigma = u^T W v is computed with ops, so gradients flow through sigma into W, and W / sigma is
 * returned.  In evaluation mode the stored u, v are used as they are.  u [Co] and v [K] are
 * persistent buffers (checkpointed by the caller); sn_init fills them with normalised N(0,1). */
#ifndef MG_SPECTRAL_NORM_H
#define MG_SPECTRAL_NORM_H
#include "core/rng.h"
#include "ops/ops.h"

void sn_init(float *u, int rows, float *v, int cols, Rng *rng);
Tensor *mg_spectral_norm(Tensor *w, float *u, float *v, int training);
#endif
