/* Internal to the convolution ops (ops/conv*.c): the geometry, how the batch is cut into chunks, and
 * the three ways the family ops are computed:
 *   conv_rows.c  im2row / row2im and one sgemm per group (any stride, groups)
 *   conv_cols.c  the column layout, im2col / col2im (stride 1, one group)
 *   conv_wino.c  Winograd F(2x2, 3x3) / F(4x4, 3x3) (3x3, stride 1, padding 1, images of at least 8x8)
 *
 * Work split: the batch is cut into a fixed number of contiguous chunks of images (it depends on the
 * problem size only, never on the thread count); threads take chunks dynamically and each runs the
 * layout kernels and a single-threaded sgemm (OpenBLAS runs single-threaded inside an OpenMP region) on
 * its chunk, in its own scratch buffers.  Forward and input-gradient outputs are disjoint per image;
 * weight-gradient partials are kept per chunk and summed in chunk order.  So the numbers are the same
 * for any thread count, and a thread slowed by another process does not hold the others up. */
#ifndef MG_OPS_CONV_PLAN_H
#define MG_OPS_CONV_PLAN_H
#include "ops/op_util.h"
#include "kernels/conv.h"
#include <omp.h>

typedef struct { int stride, ph, pw, groups; } Geo;    /* ph / pw: padding rows / columns on each side */

/* The three family ops of one convolution geometry, any subset of them computed in one pass:
 *   y  [N,Co,Ho,Wo]      = fwd(x, w)
 *   gx [N,Ci,H,W]        = dx(gy, w)      (the transposed convolution)
 *   gw [Co,Ci/g,Kh,Kw]   = dw(x, gy)
 * The two ops of a backward pair share their layout work (fwd and dw the rows or columns of x, dx and
 * dw the moved copy of gy); every output is exactly what its op computes alone (the same chunks, the
 * same kernel calls in the same order). */
typedef struct {
    const Tensor *x, *gy, *w;   /* x [N,Ci,H,W] (fwd, dw); gy [N,Co,Ho,Wo] (dx, dw); w [Co,Ci/g,Kh,Kw] (fwd, dx) */
    Tensor *y, *gx, *gw;        /* wanted outputs, allocated (not filled) by the caller; NULL: not wanted */
    const float *bias;          /* NULL, or [channels] added to the one output wanted, y or gx, chunk by chunk */
    int N, Ci, H, W, Co, Ho, Wo, Kh, Kw;
    Geo g;
    MgDevice dev;
} ConvJob;

void conv_rows(const ConvJob *j);      /* any geometry */
void conv_cols(const ConvJob *j);      /* stride 1, one group */
/* winograd_path() only.  Flags (F(4x4, 3x3) sizes with H, W even only), for the fused "conv then 2x2 block sum":
 *   WINO_SUMPOOL2: y [N,Co,H/2,W/2] holds the output's 2x2 block sums;
 *   WINO_IN_UP2:   x is [N,C,H/2,W/2] and stands for its nearest 2x upsampling (the block sum's adjoint).
 * conv_dw_wino's gy_up2: gy [N,Co,H/2,W/2] stands for its nearest 2x upsampling.  The same numbers as the
 * full-size tensors would give. */
enum { WINO_SUMPOOL2 = 1, WINO_IN_UP2 = 2 };
void conv_fwd_wino(const Tensor *x, const Tensor *w, Tensor *y, int flags);
void conv_dw_wino(const Tensor *x, const Tensor *gy, Tensor *gw, int gy_up2);

Arena *conv_scratch(void);   /* temporaries of one conv call; reset at the start of each call */

#define CONV_CHUNKS 8
static inline int n_chunks(int N, long flops) {
    if (flops < 2000000) return 1;           /* not worth waking a thread */
    return N < CONV_CHUNKS ? N : CONV_CHUNKS;
}
static inline void chunk(int N, int C, int t, int *n0, int *n1) {
    *n0 = (int)((long)N * t / C);
    *n1 = (int)((long)N * (t + 1) / C);
}
/* the flops the chunk count is chosen from: the same for the three ops of a geometry */
static inline long job_flops(const ConvJob *j) {
    return 2L * j->N * j->Ho * j->Wo * j->Co * (j->Ci / j->g.groups) * j->Kh * j->Kw;
}

typedef struct {
    int C, T;                   /* chunks, threads */
    long maxcols;               /* columns of the largest chunk */
} ColPlan;

static inline ColPlan col_plan(int N, int HoWo, long flops) {
    ColPlan p = {n_chunks(N, flops), omp_get_max_threads(), 0};
    p.maxcols = (long)((N + p.C - 1) / p.C) * HoWo;
    return p;
}

static inline int column_path(Geo g) { return g.stride == 1 && g.groups == 1; }

/* Winograd F(4x4, 3x3) from 16x16 on, F(2x2, 3x3) below (measured: BENCHMARKS.md, session 10) */
static inline int wino4_size(int H, int W) { return H * W >= 256; }

/* kernel Kh x Kw over x [N,C,H,W] (xs): images below 8x8 (4 tiles) gain nothing */
static inline int winograd_path(int Kh, int Kw, Geo g, const int *xs) {
    return g.stride == 1 && g.groups == 1 && g.ph == 1 && g.pw == 1 && Kh == 3 && Kw == 3 && xs[2] * xs[3] >= 64;
}
#endif
