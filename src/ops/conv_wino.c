/* The convolution family ops by Winograd (kernels/winograd.h): 3x3, stride 1, padding 1, one group, images
 * of at least 8x8 (winograd_path(), ops/conv_plan.h); F(4x4, 3x3) from 16x16 on, F(2x2, 3x3) below (at 8x8 a
 * 4x4 tile wastes too much on the image's edge).  The input gradient of such a convolution is the forward
 * convolution with the turned kernel, so it comes here too (ops/conv.c). */
#include "ops/conv_plan.h"
#include "kernels/gemm.h"
#include "kernels/reduce.h"
#include "kernels/winograd.h"

/* Same chunks of images as the column path.  A block is a band of tile rows of one image, or whole images
 * side by side when an image has fewer tiles than a block holds, sized so that the block's transformed
 * input V [P, C, cols] and products M [P, Co, cols] (P positions) stay in the core's cache; F(4x4, 3x3)
 * takes twice the floats (measured best: fewer, longer sgemm rows). */
#ifndef WINO_BLOCK_FLOATS
#define WINO_BLOCK_FLOATS (128 * 1024)
#endif
#ifndef WINO4_BLOCK_FLOATS
#define WINO4_BLOCK_FLOATS (256 * 1024)
#endif

/* the weight gradient's blocks hold twice the tiles: dU's sgemms then run over longer sums (measured +2-3%) */
enum { WINO_DW_BLOCK_SCALE = 2 };

/* the variant's kernel `name`: F(4x4, 3x3) (wino4_) when f4, else F(2x2, 3x3) (wino_); same signatures */
#define WINO(dev, f4, name) ((f4) ? KERNEL(dev, wino4_##name) : KERNEL(dev, wino_##name))

typedef struct {
    int f4, P;                  /* F(4x4, 3x3) or F(2x2, 3x3); transform positions (36 or 16) */
    int tw, th;                 /* tiles per row, tile rows of an image */
    int per, rows;              /* images of a block (whole images), else 1 and the tile rows of a band */
    long maxcols;               /* columns (tiles) of the largest block */
    ColPlan p;                  /* chunks of images, threads */
} WinoPlan;

/* scale: the block holds scale times the floats of WINO(4)_BLOCK_FLOATS */
static WinoPlan wino_plan(int N, int C, int Co, int H, int W, long scale) {
    const int f4 = wino4_size(H, W);
    WinoPlan w = {f4, f4 ? 36 : 16, f4 ? wino4_tiles(W) : wino_tiles(W), f4 ? wino4_tiles(H) : wino_tiles(H), 1, 0, 0,
                  col_plan(N, H * W, 18L * N * H * W * Co * C)};
    long target = scale * (f4 ? WINO4_BLOCK_FLOATS : WINO_BLOCK_FLOATS) / ((long)w.P * (C + Co));   /* tiles of a block */
    if (target < w.tw) target = w.tw;
    const long TI = (long)w.tw * w.th, chunk_max = (N + w.p.C - 1) / w.p.C;
    if (TI <= target) w.per = (int)(target / TI < chunk_max ? target / TI : chunk_max), w.rows = w.th;
    else w.rows = (int)(target / w.tw);
    w.maxcols = (long)w.per * w.rows * w.tw;
    return w;
}

/* floats between two transform positions of a block of `ch` channels: at least ch * maxcols, padded off a
 * multiple of 4 KB (kernels/winograd.h) so that the positions fall 256 bytes apart on the cache sets */
static long wino_plane(int ch, long maxcols) { return ((long)ch * maxcols + 1023) / 1024 * 1024 + 64; }

typedef struct { int ni, nr; long cols, img_cols; } WinoBlock;

/* the block of images i0.. (at most wp->per, ending before n1) and tile rows ty0.. (at most wp->rows) */
static WinoBlock wino_block(const WinoPlan *wp, int n1, int i0, int ty0) {
    WinoBlock b = {n1 - i0 < wp->per ? n1 - i0 : wp->per, wp->th - ty0 < wp->rows ? wp->th - ty0 : wp->rows, 0, 0};
    b.img_cols = (long)b.nr * wp->tw;
    b.cols = b.ni * b.img_cols;
    return b;
}

void conv_fwd_wino(const Tensor *x, const Tensor *w, Tensor *y, int flags) {
    const int up2 = flags & WINO_IN_UP2, sumpool2 = flags & WINO_SUMPOOL2, f = up2 ? 2 : 1;
    const int N = x->shape[0], C = x->shape[1], H = f * x->shape[2], W = f * x->shape[3], Co = w->shape[0];
    const WinoPlan wp = wino_plan(N, C, Co, H, W, 1);
    MG_CHECK(!flags || (wp.f4 && H % 2 == 0 && W % 2 == 0), "conv_fwd_wino: flags %d for a %dx%d image", flags, H, W);
    Arena *s = conv_scratch();
    float *u = arena_alloc(s, (size_t)wp.P * Co * C * sizeof(float));
    const long pv = wino_plane(C, wp.maxcols), pm = wino_plane(Co, wp.maxcols);
    float *vb = arena_alloc(s, (size_t)wp.p.T * wp.P * pv * sizeof(float));
    float *mb = arena_alloc(s, (size_t)wp.p.T * wp.P * pm * sizeof(float));
    WINO(x->dev, wp.f4, filter)(w->data, Co, C, u);
    const size_t xim = (size_t)C * H * W / (size_t)(f * f), yim = (size_t)Co * H * W / (sumpool2 ? 4 : 1);
#pragma omp parallel for schedule(dynamic, 1) if (wp.p.C > 1)
    for (int t = 0; t < wp.p.C; t++) {
        const int me = omp_get_thread_num();
        float *v = vb + (size_t)me * wp.P * pv, *m = mb + (size_t)me * wp.P * pm;
        int n0, n1;
        chunk(N, wp.p.C, t, &n0, &n1);
        for (int i0 = n0; i0 < n1; i0 += wp.per)
            for (int ty0 = 0; ty0 < wp.th; ty0 += wp.rows) {    /* block: images i0.. (ni), tile rows ty0.. (nr) */
                const WinoBlock b = wino_block(&wp, n1, i0, ty0);
                const int ni = b.ni, nr = b.nr;
                const long cols = b.cols, img_cols = b.img_cols;
                for (int i = 0; i < ni; i++)
                    if (up2) KERNEL(x->dev, wino4_input_up2)(x->data + (i0 + i) * xim, C, H, W, ty0, nr, v + i * img_cols, cols, pv);
                    else WINO(x->dev, wp.f4, input)(x->data + (i0 + i) * xim, C, H, W, ty0, nr, v + i * img_cols, cols, pv);
                for (int k = 0; k < wp.P; k++)                 /* M[k] [Co, cols] = U[k] [Co, C] @ V[k] [C, cols] */
                    KERNEL(x->dev, gemm)(0, 0, Co, (int)cols, C, 1.0f, u + (size_t)k * Co * C, C, v + k * pv, (int)cols, 0.0f,
                                         m + k * pm, (int)cols);
                for (int i = 0; i < ni; i++)
                    if (sumpool2) KERNEL(x->dev, wino4_output_sumpool2)(m + i * img_cols, cols, pm, Co, H, W, ty0, nr, y->data + (i0 + i) * yim);
                    else WINO(x->dev, wp.f4, output)(m + i * img_cols, cols, pm, Co, H, W, ty0, nr, y->data + (i0 + i) * yim);
            }
    }
}

/* gw [Co,C,3,3] from x [N,C,H,W] and gy [N,Co,H,W]: per chunk dU [P,Co,C] accumulated over its blocks,
 * the chunks' partials summed in chunk order, then the adjoint filter transform */
void conv_dw_wino(const Tensor *x, const Tensor *gy, Tensor *gw, int gy_up2) {
    const int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3], Co = gy->shape[1];
    const WinoPlan wp = wino_plan(N, C, Co, H, W, WINO_DW_BLOCK_SCALE);
    MG_CHECK(!gy_up2 || (wp.f4 && H % 2 == 0 && W % 2 == 0), "conv_dw_wino: a half-size gradient for a %dx%d image", H, W);
    const size_t un = (size_t)wp.P * Co * C;
    Arena *s = conv_scratch();
    const long pv = wino_plane(C, wp.maxcols), pe = wino_plane(Co, wp.maxcols);
    float *vb = arena_alloc(s, (size_t)wp.p.T * wp.P * pv * sizeof(float));
    float *eb = arena_alloc(s, (size_t)wp.p.T * wp.P * pe * sizeof(float));
    float *part = arena_alloc(s, (size_t)wp.p.C * un * sizeof(float));
    float *du = arena_alloc(s, un * sizeof(float));
    const size_t xim = (size_t)C * H * W, yim = (size_t)Co * H * W / (gy_up2 ? 4 : 1);
#pragma omp parallel for schedule(dynamic, 1) if (wp.p.C > 1)
    for (int t = 0; t < wp.p.C; t++) {
        const int me = omp_get_thread_num();
        float *v = vb + (size_t)me * wp.P * pv, *e = eb + (size_t)me * wp.P * pe;
        float beta = 0.0f;
        int n0, n1;
        chunk(N, wp.p.C, t, &n0, &n1);
        for (int i0 = n0; i0 < n1; i0 += wp.per)
            for (int ty0 = 0; ty0 < wp.th; ty0 += wp.rows) {    /* block: images i0.. (ni), tile rows ty0.. (nr) */
                const WinoBlock b = wino_block(&wp, n1, i0, ty0);
                const int ni = b.ni, nr = b.nr;
                const long cols = b.cols, img_cols = b.img_cols;
                for (int i = 0; i < ni; i++) {
                    WINO(x->dev, wp.f4, input)(x->data + (i0 + i) * xim, C, H, W, ty0, nr, v + i * img_cols, cols, pv);
                    if (gy_up2) KERNEL(x->dev, wino4_output_adjoint_up2)(gy->data + (i0 + i) * yim, Co, H, W, ty0, nr, e + i * img_cols, cols, pe);
                    else WINO(x->dev, wp.f4, output_adjoint)(gy->data + (i0 + i) * yim, Co, H, W, ty0, nr, e + i * img_cols, cols, pe);
                }
                for (int k = 0; k < wp.P; k++)                 /* dU[k] [Co, C] += E[k] [Co, cols] @ V[k]^T */
                    KERNEL(x->dev, gemm)(0, 1, Co, C, (int)cols, 1.0f, e + k * pe, (int)cols, v + k * pv, (int)cols, beta,
                                         part + t * un + (size_t)k * Co * C, C);
                beta = 1.0f;
            }
    }
    KERNEL(x->dev, sum_rows)(wp.p.C, un, part, du);
    WINO(x->dev, wp.f4, filter_adjoint)(du, Co, C, gw->data);
}
