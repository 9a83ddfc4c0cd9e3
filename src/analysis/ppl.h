/* Perceptual path length (Karras et al. 2019, StyleGAN): how fast a generator's output moves, in a
 * feature space, along interpolations of its latent codes.
 *
 * For pairs z1, z2 ~ N(0, I) and t ~ U(0, 1):  d = |E(G(i(z1, z2, t))) - E(G(i(z1, z2, t + eps)))|^2 / eps^2,
 * i = slerp (great-circle interpolation of the Gaussian codes, angle from their directions, norms along
 * the same formula) or lerp; E = a feature embedding (NULL: the images themselves).  The reported value is
 * the mean of d over the samples between the 1st and 99th percentiles (StyleGAN's outlier rule), and the
 * plain mean.  Interpolations are computed in double and handed to G as float. */
#ifndef MG_PPL_H
#define MG_PPL_H
#include <stdint.h>

/* z [n, zdim] -> out [n, out_dim] */
typedef void (*PplGenerate)(void *ctx, const float *z, int n, float *out);
/* x [n, out_dim] -> features [n, fdim] */
typedef void (*PplEmbed)(void *ctx, const float *x, int n, float *feat);

typedef struct PplModel {
    PplGenerate gen;
    void *gen_ctx;
    int zdim, out_dim;
    PplEmbed embed;         /* NULL: distances between outputs */
    void *embed_ctx;
    int fdim;               /* = out_dim without embed */
} PplModel;

typedef struct PplOptions {
    int n_samples;          /* default 10000 */
    int batch;              /* pairs per generator call (each call sees 2 * batch codes); default 100 */
    double eps;             /* default 1e-4 */
    int lerp;               /* 0: slerp (default), 1: linear interpolation */
    uint64_t seed;
} PplOptions;
PplOptions ppl_default_options(void);

/* d for n given pairs and times (z1, z2 [n, zdim], t [n]) into d[n]; scratch is allocated inside. */
void ppl_pairs(const PplModel *m, const double *z1, const double *z2, const double *t, int n, double eps, int lerp,
               double *d);
/* The interpolation itself: out[zdim] = i(z1, z2, t). */
void ppl_interpolate(const double *z1, const double *z2, int zdim, double t, int lerp, double *out);
/* Draws the samples (project Rng) and returns the filtered and the plain mean; 0, or -1 + mg_error. */
int ppl_compute(const PplModel *m, PplOptions o, double *ppl, double *plain_mean);
#endif
