/* Sampling tools of the StyleGAN2 model (models/stylegan2.h), without gradients:
 * the mean w for truncation, codes for seeds, rendering of W+ codes, and the style-mixing grid. */
#ifndef MG_SG2_SAMPLE_H
#define MG_SG2_SAMPLE_H
#include "models/stylegan2.h"

/* w_avg <- mean of n mapped z ~ N(0, I) drawn from rng_new(seed) (the truncation centre; conditional
 * models: sample i of each chunk of 1000 has class i mod K). */
void sg2_estimate_w_avg(Sg2 *g, int n, unsigned long long seed);
/* codes of n seeds (seed k: z = rng_new(k)'s first z_dim normals, as train/samples.h):
 * z [n,Z] and w [n,Wd] with truncation psi towards w_avg, in the current arena.  Conditional models:
 * every seed of class cls, or (cls < 0) seed k of class k mod K, as `generate`. */
void sg2_codes_for_seeds(const Sg2 *g, const long *seeds, int n, float psi, int cls, Tensor **z, Tensor **w);
/* ws [n,num_ws,Wd] -> images [n,C,R,R] with the fixed evaluation noise, in chunks of 32 */
Tensor *sg2_render(const Sg2 *g, Tensor *ws);

/* The layer ranges of the style-mixing grid: coarse = slots of resolutions 4-8, middle = 16-32, fine = the rest. */
typedef enum { SG2_COARSE, SG2_MIDDLE, SG2_FINE } Sg2StyleRange;
void sg2_style_range(const Sg2 *g, Sg2StyleRange r, int *first, int *end);
/* The grid image [(1 + nrange nrow) x (1 + ncol)] cells: top row = the column seeds' images, left
 * column = the row seeds', cell (i, j) = column seed j's codes with the slots of range i taken from
 * row seed i.  Returns [cells, C, R, R] (the top-left cell blank, = 1) in row-major order. */
Tensor *sg2_style_mix_grid(const Sg2 *g, const long *col_seeds, int ncol, const long *row_seeds, int nrow,
                           const Sg2StyleRange *ranges, int nrange, float psi, int cls);
#endif
