/* The projector's noise-map regulariser and renormalisation (Karras et al. 2020, appendix D; the
 * reference projector's code), per image so that a batch is N independent problems.
 *   reg(n) = sum over scales s of  mean(n_s * roll(n_s, 1, x))^2 + mean(n_s * roll(n_s, 1, y))^2,
 *   n_s = n average-pooled 2x2 repeatedly, from the full size down to 8x8 (a map of 8 or less: one scale);
 * it penalises spatial autocorrelation, so that the maps cannot smuggle the image's content in.
 * After each optimiser step every map is renormalised to zero mean and unit variance. */
#ifndef MG_NOISE_MAPS_H
#define MG_NOISE_MAPS_H
#include "ops/ops.h"

Tensor *noise_autocorr_reg(Tensor *noise);             /* [N,1,r,r] -> [N] */
Tensor *roll_last(Tensor *x, int axis);                /* roll by +1 along axis 2 or 3 of [N,C,H,W] */
void noise_renormalise(float *maps, int n, int r);     /* n maps of r x r, in place */
#endif
