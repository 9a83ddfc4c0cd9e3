/* Winograd F(2x2, 3x3) and F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2016) for 3x3, stride-1, padding-1 convolutions: the modulated and residual layers of style-based networks,
 * and their input gradients.  ops/conv_wino.c picks F(4x4, 3x3) from 16x16 images on (kernels at the end of
 * this file, kernels/cpu/winograd4.c), F(2x2, 3x3) below.  F(2x2, 3x3): an output tile of 2x2 pixels costs
 * 16 multiplies per (input, output) channel pair instead of 36:
 *
 *   U[16][Co][C] = G g G^T           for each filter g = w[co, c] (3x3 -> 4x4)
 *   V[16][C][T]  = B^T d B           for each 4x4 input tile d, T tiles of a block
 *   M[16][Co][T] = U[k] @ V[k]       16 sgemms, k = 4 i + j over the 4x4 transform positions
 *   y tile       = A^T m A           (4x4 -> 2x2)
 *
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
 *   A^T = [1 1 1 0; 0 1 -1 -1].
 *
 * The output has the input's size H x W.  Tile (ty, tx) covers output rows 2ty, 2ty+1 and columns 2tx,
 * 2tx+1 and reads input rows 2ty-1 .. 2ty+2 and columns 2tx-1 .. 2tx+2 (zeros outside); an odd H or W
 * drops the tile's second row or column.  A block is tile rows ty0 .. ty0+rows-1 of one image, stored as
 * columns (ty - ty0) * tiles_w + tx of V and M with row stride ld and the 16 transform positions `plane`
 * floats apart (several images side by side: pass the pointer at each image's first column).  A plane that
 * is a multiple of 4 KB puts the 16 streams a kernel writes on the same cache sets (4K aliasing: twice as
 * slow), so ops/conv_wino.c pads it.  The transforms run along rows of tiles, so they vectorise.
 * The input, output and adjoint kernels run inside the per-thread loops of ops/conv_wino.c (no OpenMP of
 * their own); the filter transforms and their adjoints, called once per convolution, thread over Co. */
#ifndef MG_K_WINOGRAD_H
#define MG_K_WINOGRAD_H

static inline int wino_tiles(int size) { return (size + 1) / 2; }

void cpu_wino_filter(const float *w, int Co, int C, float *u);      /* w [Co,C,3,3] -> u [16,Co,C] */
/* x [C,H,W] (one image), tile rows ty0.. -> v [16 (plane)][C][ld] columns from 0 */
void cpu_wino_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane);
/* m [16 (plane)][Co][ld] columns from 0 -> y [Co,H,W] (one image), output rows of tile rows ty0.. */
void cpu_wino_output(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y);

/* The weight gradient by the same transforms: with gy's 2x2 tiles e taken to 4x4 by the adjoint of the
 * output transform (A e A^T; zeros for the dropped row / column of an odd size),
 *   dU[k] [Co,C] = sum over tiles of (A e A^T)[k] V[k]^T,   gw[co,c] = G^T dU[co,c] G  (4x4 -> 3x3),
 * the exact adjoint of the forward map w -> y for a fixed x. */
/* gy [Co,H,W] (one image), tile rows ty0.. -> e [16 (plane)][Co][ld] columns from 0 */
void cpu_wino_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane);
void cpu_wino_filter_adjoint(const float *du, int Co, int C, float *gw);    /* du [16,Co,C] -> gw [Co,C,3,3] */

/* Winograd F(4x4, 3x3): the same kernels (and layout) with 6x6 transform tiles, 36 positions, 4x4 output tiles
 * (tile (ty, tx) reads input rows 4ty-1 .. 4ty+4; the last tile of a row or column may have 1-3 outputs):
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
 *   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1],
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
 * 36 multiplies per 16 outputs (F(2x2, 3x3): 16 per 4), and 2.25 transformed floats per output instead of 4. */
static inline int wino4_tiles(int size) { return (size + 3) / 4; }
void cpu_wino4_filter(const float *w, int Co, int C, float *u);     /* w [Co,C,3,3] -> u [36,Co,C] */
void cpu_wino4_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane);
void cpu_wino4_output(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y);
/* the same output (H, W even) summed over 2x2 blocks, as cpu_downsample_sum sums it: y [Co,H/2,W/2] */
void cpu_wino4_output_sumpool2(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y);
void cpu_wino4_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane);
void cpu_wino4_filter_adjoint(const float *du, int Co, int C, float *gw);   /* du [36,Co,C] -> gw [Co,C,3,3] */
/* input and output adjoint with x / gy given at half size, [C,H/2,W/2] / [Co,H/2,W/2] for H, W even, standing for
 * their nearest 2x upsampling (the gradient through a 2x2 block sum): the same results, without the full-size copy */
void cpu_wino4_input_up2(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane);
void cpu_wino4_output_adjoint_up2(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane);
#endif
