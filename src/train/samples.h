/* Images from fixed seeds: seed k's latent is rng_new(k)'s first z_dim normal draws, so a grid,
 * `generate --seeds` and an interpolation agree on what "seed 7" looks like. */
#ifndef MG_SAMPLES_H
#define MG_SAMPLES_H
#include "train/gan_model.h"

void samples_z(float *z, int z_dim, long first_seed, int n);          /* z [n, z_dim] for seeds first.. */
/* G(z) in evaluation mode (BN running statistics), no graph, in the current arena: [n,C,S,S].
 * labels: n classes for a conditional model (else NULL); g_values: parameter values to use instead
 * of G's own (an EMA shadow), or NULL. */
Tensor *samples_generate(GanModel *m, const float *z, const int *labels, int n, const float *g_values);
/* rows x cols grid with 2-pixel gaps of x [n,C,S,S] in (-1,1) -> 8-bit PNG (grey or RGB); 0 or -1 + mg_error */
int samples_write_grid(const char *path, const Tensor *x, int cols);
/* sample k of x [n,C,S,S] in (-1,1) as an 8-bit Image (grey or RGB); 0 or -1 */
struct Image;
int samples_image(const Tensor *x, int k, struct Image *out);
#endif
