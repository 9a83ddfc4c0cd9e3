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
/* The images of n seeds, G in evaluation mode, in chunks of at most 256 (the arena is reset between chunks):
 * out [n, C*S*S] in (-1,1).  Seed k's z is samples_z's, times psi (the truncation trick for z ~ N(0, I):
 * z <- psi z pulls every code towards the prior's mean 0; psi = 1 leaves them as drawn).  Conditional
 * models: every image of class cls, or seed mod n_classes when cls < 0.  g_values as samples_generate. */
void samples_render_seeds(GanModel *m, const long *seeds, long n, float psi, int cls, const float *g_values, float *out);
/* rows x cols grid with 2-pixel gaps of x [n,C,S,S] in (-1,1) -> 8-bit PNG (grey or RGB); 0 or -1 + mg_error */
int samples_write_grid(const char *path, const Tensor *x, int cols);
/* sample k of x [n,C,S,S] in (-1,1) as an 8-bit Image (grey or RGB); 0 or -1 */
struct Image;
int samples_image(const Tensor *x, int k, struct Image *out);
#endif
