/* Convolutions as one closed family of three bilinear ops (shapes for one conv2d:
 * x [N,Ci,H,W], w [Co,Ci/g,Kh,Kw], y [N,Co,Ho,Wo]):
 *
 *   conv_fwd(x, w)      -> y    forward convolution
 *   conv_dx(gy, w; xs)  -> gx   gradient wrt the input = transposed convolution
 *   conv_dw(x, gy)      -> gw   gradient wrt the weight
 *
 * The derivative of each one with respect to each of its inputs is one of the three, so gradients
 * of gradients (R1, WGAN-GP) need nothing else:
 *   conv_fwd: d/dx = conv_dx(u, w), d/dw = conv_dw(x, u)
 *   conv_dx:  d/dgy = conv_fwd(u, w), d/dw = conv_dw(u, gy)
 *   conv_dw:  d/dx = conv_dx(gy, u), d/dgy = conv_fwd(x, u)
 * conv_transpose2d is conv_dx with PyTorch's ConvTranspose2d weight layout [Ci,Co/g,Kh,Kw], which is
 * exactly the layout of the weight of the convolution it transposes.
 * Each op is im2row/row2im over a chunk of images and one sgemm per group (kernels/conv.h); stride-1
 * convolutions without groups use the column layout instead (kernels/conv_col.h), and among them 3x3
 * padding-1 ones on images of at least 8x8 use Winograd F(2x2, 3x3) (kernels/winograd.h) for all three ops. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/conv.h"
#include "kernels/conv_col.h"
#include "kernels/gemm.h"
#include "kernels/winograd.h"
#include "kernels/reduce.h"
#include <omp.h>

typedef struct { int stride, ph, pw, groups; } Geo;    /* ph / pw: padding rows / columns on each side */

static Arena *scratch(void) {   /* temporaries of one conv call; reset at the start of each call */
    static Arena *a;
    if (!a) a = arena_new(16u << 20);
    arena_reset(a);
    return a;
}

static ConvShape group_shape(const int *xs, int Kh, int Kw, Geo g, int grp, int Ho, int Wo) {
    int Cig = xs[1] / g.groups;
    return (ConvShape){.N = xs[0], .Ctot = xs[1], .c0 = grp * Cig, .C = Cig, .H = xs[2], .W = xs[3], .Kh = Kh, .Kw = Kw,
                       .stride = g.stride, .ph = g.ph, .pw = g.pw, .Ho = Ho, .Wo = Wo};
}

static void set_geo(Node *n, Geo g) {
    if (n) { n->p[0] = g.stride; n->p[1] = g.ph; n->p[2] = g.pw; n->p[3] = g.groups; }
}
static Geo get_geo(const Node *n) { return (Geo){n->p[0], n->p[1], n->p[2], n->p[3]}; }

static Tensor *conv_fwd(Tensor *x, Tensor *w, Geo g);
static Tensor *conv_dx(Tensor *gy, Tensor *w, const int *xs, Geo g);
static Tensor *conv_dw(Tensor *x, Tensor *gy, Geo g, int Kh, int Kw);

static void fwd_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *w = n->in[1];
    if (need[0]) gin[0] = conv_dx(u, w, x->shape, get_geo(n));
    if (need[1]) gin[1] = conv_dw(x, u, get_geo(n), w->shape[2], w->shape[3]);
}
static void dx_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *gy = n->in[0], *w = n->in[1];
    if (need[0]) gin[0] = conv_fwd(u, w, get_geo(n));
    if (need[1]) gin[1] = conv_dw(u, gy, get_geo(n), w->shape[2], w->shape[3]);
}
static void dw_bw(Node *n, Tensor *u, Tensor **gin, const int *need) {
    Tensor *x = n->in[0], *gy = n->in[1];
    if (need[0]) gin[0] = conv_dx(gy, u, x->shape, get_geo(n));
    if (need[1]) gin[1] = conv_fwd(x, u, get_geo(n));
}

/* Work split: the batch is cut into a fixed number of contiguous chunks of images (it depends on
 * the problem size only, never on the thread count); threads take chunks dynamically and each runs
 * im2row and a single-threaded sgemm (OpenBLAS runs single-threaded inside an OpenMP region) on its
 * chunk, in its own scratch buffers.  Forward and input-gradient outputs are disjoint per image;
 * weight-gradient partials are kept per chunk and summed in chunk order.  So the numbers are the
 * same for any thread count, and a thread slowed by another process does not hold the others up. */
#define CONV_CHUNKS 8
static int n_chunks(int N, long flops) {
    if (flops < 2000000) return 1;           /* not worth waking a thread */
    return N < CONV_CHUNKS ? N : CONV_CHUNKS;
}
static void chunk(int N, int C, int t, int *n0, int *n1) {
    *n0 = (int)((long)N * t / C);
    *n1 = (int)((long)N * (t + 1) / C);
}

/* The input is exactly one kernel window (H = Kh, W = Kw, no padding, 1x1 output, one group): then
 * im2row is the identity, x is already rows [N, Ci*Kh*Kw], and each family op is a single sgemm
 * (the first layer of a generator, a transposed conv of a 1x1 latent, and final 1x1 critics). */
static int single_window(const int *xs, int Kh, int Kw, Geo g) {
    return g.groups == 1 && g.ph == 0 && g.pw == 0 && xs[2] == Kh && xs[3] == Kw;
}

/* ---- stride 1, one group: column layout (kernels/conv_col.h), same chunking as below ----
 * Per run of n images of a chunk: col [KKC, n HoWo]; y [Co, n HoWo] = w @ col; dx: col = w^T @ gy,
 * col2im; dw: gy [Co, n HoWo] @ col^T (accumulated over the chunk's runs).  A run is one image when
 * it has >= 1024 output pixels (no layout moves), else the whole chunk, whose gy/y are then moved
 * between [n,Co,HoWo] and [Co, n HoWo]. */
static int column_path(Geo g) { return g.stride == 1 && g.groups == 1; }

typedef struct {
    int C, T;                   /* chunks, threads */
    long maxcols;               /* columns of the largest chunk */
} ColPlan;

static ColPlan col_plan(int N, int HoWo, long flops) {
    ColPlan p = {n_chunks(N, flops), omp_get_max_threads(), 0};
    p.maxcols = (long)((N + p.C - 1) / p.C) * HoWo;
    return p;
}

/* images per sgemm inside a chunk: one when an image has enough columns (no layout moves), else the chunk */
static int col_run(int n, int HoWo) { return HoWo >= 1024 ? 1 : n; }

/* A one-image run is cut into bands of output rows whose column block (KKC x band*Wo floats) stays in
 * the core's cache between im2col writing it and the sgemm reading it. */
#ifndef COL_BAND_FLOATS
#define COL_BAND_FLOATS (64 * 1024)
#endif
static int col_band(int KKC, int Ho, int Wo) {
    long b = COL_BAND_FLOATS / ((long)KKC * Wo);
    return b < 1 ? 1 : b > Ho ? Ho : (int)b;
}

static void conv_fwd_col(const Tensor *x, const Tensor *w, Geo g, Tensor *y) {
    const int N = x->shape[0], Ci = x->shape[1], H = x->shape[2], W = x->shape[3], Co = w->shape[0], Kh = w->shape[2];
    const int Kw = w->shape[3], Ho = y->shape[2], Wo = y->shape[3], HoWo = Ho * Wo, KKC = Ci * Kh * Kw;
    ColPlan p = col_plan(N, HoWo, 2L * N * HoWo * Co * KKC);
    Arena *s = scratch();
    float *col = arena_alloc(s, (size_t)p.T * KKC * p.maxcols * sizeof(float));
    float *tmp = arena_alloc(s, (size_t)p.T * Co * p.maxcols * sizeof(float));
#pragma omp parallel for schedule(dynamic, 1) if (p.C > 1)
    for (int t = 0; t < p.C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, p.C, t, &n0, &n1);
        float *c = col + (size_t)me * KKC * p.maxcols, *yt = tmp + (size_t)me * Co * p.maxcols;
        for (int i0 = n0, run = col_run(n1 - n0, HoWo); i0 < n1; i0 += run) {
            const int n = i0 + run <= n1 ? run : n1 - i0;
            float *yn = y->data + (size_t)i0 * Co * HoWo;
            const float *xn = x->data + (size_t)i0 * Ci * H * W;
            if (n == 1) {                               /* y [Co, rows of the band] = w @ col, band by band */
                for (int r0 = 0, band = col_band(KKC, Ho, Wo); r0 < Ho; r0 += band) {
                    const int rb = r0 + band <= Ho ? band : Ho - r0;
                    KERNEL(x->dev, im2col)(xn, (ColShape){1, Ci, H, W, Kh, Kw, g.ph, g.pw, rb, Wo, r0}, c);
                    KERNEL(x->dev, gemm)(0, 0, Co, rb * Wo, KKC, 1.0f, w->data, KKC, c, rb * Wo, 0.0f, yn + (size_t)r0 * Wo, HoWo);
                }
                continue;
            }
            KERNEL(x->dev, im2col)(xn, (ColShape){n, Ci, H, W, Kh, Kw, g.ph, g.pw, Ho, Wo, 0}, c);
            KERNEL(x->dev, gemm)(0, 0, Co, n * HoWo, KKC, 1.0f, w->data, KKC, c, n * HoWo, 0.0f, yt, n * HoWo);
            KERNEL(x->dev, cnhw_to_nchw)(yt, n, Co, HoWo, yn);
        }
    }
}

/* ---- 3x3, stride 1, padding 1, one group: Winograd F(2x2, 3x3) (kernels/winograd.h) ----
 * Same chunks of images as the column path.  A block is a band of tile rows of one image, or whole images
 * side by side when an image has fewer tiles than a block holds, sized so that the block's transformed
 * input V [16, C, cols] and products M [16, Co, cols] stay in the core's cache. */
static int winograd_path(const Tensor *w, Geo g, const int *xs) {   /* images below 8x8 (4 tiles) gain nothing */
    return g.stride == 1 && g.groups == 1 && g.ph == 1 && g.pw == 1 && w->shape[2] == 3 && w->shape[3] == 3 &&
           xs[2] * xs[3] >= 64;
}

#ifndef WINO_BLOCK_FLOATS
#define WINO_BLOCK_FLOATS (128 * 1024)
#endif

typedef struct {
    int tw, th;                 /* tiles per row, tile rows of an image */
    int per, rows;              /* images of a block (whole images), else 1 and the tile rows of a band */
    long maxcols;               /* columns (tiles) of the largest block */
    ColPlan p;                  /* chunks of images, threads */
} WinoPlan;

static WinoPlan wino_plan(int N, int C, int Co, int H, int W) {
    WinoPlan w = {wino_tiles(W), wino_tiles(H), 1, 0, 0, col_plan(N, H * W, 18L * N * H * W * Co * C)};
    long target = WINO_BLOCK_FLOATS / (16L * (C + Co));                 /* tiles of a block */
    if (target < w.tw) target = w.tw;
    const long TI = (long)w.tw * w.th, chunk_max = (N + w.p.C - 1) / w.p.C;
    if (TI <= target) w.per = (int)(target / TI < chunk_max ? target / TI : chunk_max), w.rows = w.th;
    else w.rows = (int)(target / w.tw);
    w.maxcols = (long)w.per * w.rows * w.tw;
    return w;
}

/* floats between two transform positions of a block of `ch` channels: at least ch * maxcols, padded off a
 * multiple of 4 KB (kernels/winograd.h) so that the 16 positions fall 256 bytes apart on the cache sets */
static long wino_plane(int ch, long maxcols) { return ((long)ch * maxcols + 1023) / 1024 * 1024 + 64; }

typedef struct { int ni, nr; long cols, img_cols; } WinoBlock;

/* the block of images i0.. (at most wp->per, ending before n1) and tile rows ty0.. (at most wp->rows) */
static WinoBlock wino_block(const WinoPlan *wp, int n1, int i0, int ty0) {
    WinoBlock b = {n1 - i0 < wp->per ? n1 - i0 : wp->per, wp->th - ty0 < wp->rows ? wp->th - ty0 : wp->rows, 0, 0};
    b.img_cols = (long)b.nr * wp->tw;
    b.cols = b.ni * b.img_cols;
    return b;
}

static void conv_fwd_wino(const Tensor *x, const Tensor *w, Tensor *y) {
    const int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3], Co = w->shape[0];
    const WinoPlan wp = wino_plan(N, C, Co, H, W);
    Arena *s = scratch();
    float *u = arena_alloc(s, (size_t)16 * Co * C * sizeof(float));
    const long pv = wino_plane(C, wp.maxcols), pm = wino_plane(Co, wp.maxcols);
    float *vb = arena_alloc(s, (size_t)wp.p.T * 16 * pv * sizeof(float));
    float *mb = arena_alloc(s, (size_t)wp.p.T * 16 * pm * sizeof(float));
    KERNEL(x->dev, wino_filter)(w->data, Co, C, u);
    const size_t xim = (size_t)C * H * W, yim = (size_t)Co * H * W;
#pragma omp parallel for schedule(dynamic, 1) if (wp.p.C > 1)
    for (int t = 0; t < wp.p.C; t++) {
        const int me = omp_get_thread_num();
        float *v = vb + (size_t)me * 16 * pv, *m = mb + (size_t)me * 16 * pm;
        int n0, n1;
        chunk(N, wp.p.C, t, &n0, &n1);
        for (int i0 = n0; i0 < n1; i0 += wp.per)
            for (int ty0 = 0; ty0 < wp.th; ty0 += wp.rows) {    /* block: images i0.. (ni), tile rows ty0.. (nr) */
                const WinoBlock b = wino_block(&wp, n1, i0, ty0);
                const int ni = b.ni, nr = b.nr;
                const long cols = b.cols, img_cols = b.img_cols;
                for (int i = 0; i < ni; i++)
                    KERNEL(x->dev, wino_input)(x->data + (i0 + i) * xim, C, H, W, ty0, nr, v + i * img_cols, cols, pv);
                for (int k = 0; k < 16; k++)                 /* M[k] [Co, cols] = U[k] [Co, C] @ V[k] [C, cols] */
                    KERNEL(x->dev, gemm)(0, 0, Co, (int)cols, C, 1.0f, u + (size_t)k * Co * C, C, v + k * pv, (int)cols, 0.0f,
                                         m + k * pm, (int)cols);
                for (int i = 0; i < ni; i++)
                    KERNEL(x->dev, wino_output)(m + i * img_cols, cols, pm, Co, H, W, ty0, nr, y->data + (i0 + i) * yim);
            }
    }
}

/* gw [Co,C,3,3] from x [N,C,H,W] and gy [N,Co,H,W]: per chunk dU [16,Co,C] accumulated over its blocks,
 * the chunks' partials summed in chunk order, then the adjoint filter transform */
static void conv_dw_wino(const Tensor *x, const Tensor *gy, Tensor *gw) {
    const int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3], Co = gy->shape[1];
    const WinoPlan wp = wino_plan(N, C, Co, H, W);
    const size_t un = (size_t)16 * Co * C;
    Arena *s = scratch();
    const long pv = wino_plane(C, wp.maxcols), pe = wino_plane(Co, wp.maxcols);
    float *vb = arena_alloc(s, (size_t)wp.p.T * 16 * pv * sizeof(float));
    float *eb = arena_alloc(s, (size_t)wp.p.T * 16 * pe * sizeof(float));
    float *part = arena_alloc(s, (size_t)wp.p.C * un * sizeof(float));
    float *du = arena_alloc(s, un * sizeof(float));
    const size_t xim = (size_t)C * H * W, yim = (size_t)Co * H * W;
#pragma omp parallel for schedule(dynamic, 1) if (wp.p.C > 1)
    for (int t = 0; t < wp.p.C; t++) {
        const int me = omp_get_thread_num();
        float *v = vb + (size_t)me * 16 * pv, *e = eb + (size_t)me * 16 * pe;
        float beta = 0.0f;
        int n0, n1;
        chunk(N, wp.p.C, t, &n0, &n1);
        for (int i0 = n0; i0 < n1; i0 += wp.per)
            for (int ty0 = 0; ty0 < wp.th; ty0 += wp.rows) {    /* block: images i0.. (ni), tile rows ty0.. (nr) */
                const WinoBlock b = wino_block(&wp, n1, i0, ty0);
                const int ni = b.ni, nr = b.nr;
                const long cols = b.cols, img_cols = b.img_cols;
                for (int i = 0; i < ni; i++) {
                    KERNEL(x->dev, wino_input)(x->data + (i0 + i) * xim, C, H, W, ty0, nr, v + i * img_cols, cols, pv);
                    KERNEL(x->dev, wino_output_adjoint)(gy->data + (i0 + i) * yim, Co, H, W, ty0, nr, e + i * img_cols, cols, pe);
                }
                for (int k = 0; k < 16; k++)                 /* dU[k] [Co, C] += E[k] [Co, cols] @ V[k]^T */
                    KERNEL(x->dev, gemm)(0, 1, Co, C, (int)cols, 1.0f, e + k * pe, (int)cols, v + k * pv, (int)cols, beta,
                                         part + t * un + (size_t)k * Co * C, C);
                beta = 1.0f;
            }
    }
    KERNEL(x->dev, sum_rows)(wp.p.C, un, part, du);
    KERNEL(x->dev, wino_filter_adjoint)(du, Co, C, gw->data);
}

/* stride 1, one group: Winograd for 3x3 "same" kernels, else the column layout */
static void conv_fwd_s1(const Tensor *x, const Tensor *w, Geo g, Tensor *y) {
    if (winograd_path(w, g, x->shape)) conv_fwd_wino(x, w, y);
    else conv_fwd_col(x, w, g, y);
}

static void conv_dx_col(const Tensor *gy, const Tensor *w, Geo g, Tensor *gx) {
    const int N = gy->shape[0], Co = gy->shape[1], Ho = gy->shape[2], Wo = gy->shape[3], HoWo = Ho * Wo;
    const int Ci = gx->shape[1], H = gx->shape[2], W = gx->shape[3], Kh = w->shape[2], Kw = w->shape[3], KKC = Ci * Kh * Kw;
    ColPlan p = col_plan(N, HoWo, 2L * N * HoWo * Co * KKC);
    Arena *s = scratch();
    float *col = arena_alloc(s, (size_t)p.T * KKC * p.maxcols * sizeof(float));
    float *tmp = arena_alloc(s, (size_t)p.T * Co * p.maxcols * sizeof(float));
#pragma omp parallel for schedule(dynamic, 1) if (p.C > 1)
    for (int t = 0; t < p.C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, p.C, t, &n0, &n1);
        float *c = col + (size_t)me * KKC * p.maxcols, *gt = tmp + (size_t)me * Co * p.maxcols;
        for (int i0 = n0, run = col_run(n1 - n0, HoWo); i0 < n1; i0 += run) {
            const int n = i0 + run <= n1 ? run : n1 - i0;
            const float *gn = gy->data + (size_t)i0 * Co * HoWo;
            if (n > 1) KERNEL(gy->dev, nchw_to_cnhw)(gn, n, Co, HoWo, gt);
            KERNEL(gy->dev, gemm)(1, 0, KKC, n * HoWo, Co, 1.0f, w->data, KKC, n > 1 ? gt : gn, n * HoWo, 0.0f, c, n * HoWo);
            KERNEL(gy->dev, col2im)(c, (ColShape){n, Ci, H, W, Kh, Kw, g.ph, g.pw, Ho, Wo, 0}, gx->data + (size_t)i0 * Ci * H * W);
        }
    }
}

static void conv_dw_col(const Tensor *x, const Tensor *gy, Geo g, Tensor *gw) {
    const int N = x->shape[0], Ci = x->shape[1], H = x->shape[2], W = x->shape[3], Co = gy->shape[1];
    const int Ho = gy->shape[2], Wo = gy->shape[3], HoWo = Ho * Wo, Kh = gw->shape[2], Kw = gw->shape[3], KKC = Ci * Kh * Kw;
    ColPlan p = col_plan(N, HoWo, 2L * N * HoWo * Co * KKC);
    const size_t wn = (size_t)Co * KKC;
    Arena *s = scratch();
    float *col = arena_alloc(s, (size_t)p.T * KKC * p.maxcols * sizeof(float));
    float *tmp = arena_alloc(s, (size_t)p.T * Co * p.maxcols * sizeof(float));
    float *part = arena_alloc(s, (size_t)p.C * wn * sizeof(float));      /* per-chunk partial gw */
#pragma omp parallel for schedule(dynamic, 1) if (p.C > 1)
    for (int t = 0; t < p.C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, p.C, t, &n0, &n1);
        float *c = col + (size_t)me * KKC * p.maxcols, *gt = tmp + (size_t)me * Co * p.maxcols;
        for (int i0 = n0, run = col_run(n1 - n0, HoWo); i0 < n1; i0 += run) {
            const int n = i0 + run <= n1 ? run : n1 - i0;
            const float *gn = gy->data + (size_t)i0 * Co * HoWo, *xn = x->data + (size_t)i0 * Ci * H * W;
            if (n == 1) {                               /* part += gy [Co, rows of the band] @ col^T, band by band */
                for (int r0 = 0, band = col_band(KKC, Ho, Wo); r0 < Ho; r0 += band) {
                    const int rb = r0 + band <= Ho ? band : Ho - r0;
                    KERNEL(x->dev, im2col)(xn, (ColShape){1, Ci, H, W, Kh, Kw, g.ph, g.pw, rb, Wo, r0}, c);
                    KERNEL(x->dev, gemm)(0, 1, Co, KKC, rb * Wo, 1.0f, gn + (size_t)r0 * Wo, HoWo, c, rb * Wo,
                                         i0 == n0 && r0 == 0 ? 0.0f : 1.0f, part + t * wn, KKC);
                }
                continue;
            }
            KERNEL(x->dev, nchw_to_cnhw)(gn, n, Co, HoWo, gt);
            KERNEL(x->dev, im2col)(xn, (ColShape){n, Ci, H, W, Kh, Kw, g.ph, g.pw, Ho, Wo, 0}, c);
            KERNEL(x->dev, gemm)(0, 1, Co, KKC, n * HoWo, 1.0f, gt, n * HoWo, c, n * HoWo, i0 == n0 ? 0.0f : 1.0f,
                                 part + t * wn, KKC);
        }
    }
    KERNEL(x->dev, sum_rows)(p.C, wn, part, gw->data);
}

/* x [N,Ci,H,W], w [Co,Ci/g,Kh,Kw] -> [N,Co,Ho,Wo] */
static Tensor *conv_fwd(Tensor *x, Tensor *w, Geo g) {
    x = mg_contiguous(x);
    w = mg_contiguous(w);
    const int N = x->shape[0], Ci = x->shape[1], Co = w->shape[0], Cig = w->shape[1], Kh = w->shape[2], Kw = w->shape[3];
    MG_CHECK(x->ndim == 4 && w->ndim == 4 && Cig * g.groups == Ci && Co % g.groups == 0,
             "conv2d: input %s, weight %s, groups %d", tensor_shape_str(x), tensor_shape_str(w), g.groups);
    const int Ho = (x->shape[2] + 2 * g.ph - Kh) / g.stride + 1, Wo = (x->shape[3] + 2 * g.pw - Kw) / g.stride + 1;
    MG_CHECK(Ho > 0 && Wo > 0, "conv2d: input %s too small for kernel %dx%d", tensor_shape_str(x), Kh, Kw);
    const int Cog = Co / g.groups, KKC = Cig * Kh * Kw, HoWo = Ho * Wo;
    Tensor *y = tensor_new(TSHAPE(N, Co, Ho, Wo));
    if (single_window(x->shape, Kh, Kw, g)) {            /* y [N,Co] = x [N,KKC] @ w^T */
        KERNEL(x->dev, gemm)(0, 1, N, Co, KKC, 1.0f, x->data, KKC, w->data, KKC, 0.0f, y->data, Co);
        set_geo(ad_record("conv2d", y, 2, (Tensor *[]){x, w}, fwd_bw), g);
        return y;
    }
    if (column_path(g)) {
        conv_fwd_s1(x, w, g, y);
        set_geo(ad_record("conv2d", y, 2, (Tensor *[]){x, w}, fwd_bw), g);
        return y;
    }
    const int C = n_chunks(N, 2L * N * HoWo * Co * KKC), T = omp_get_max_threads();
    const long maxcols = (long)((N + C - 1) / C) * HoWo;
    Arena *s = scratch();
    float *row = arena_alloc(s, (size_t)T * KKC * maxcols * sizeof(float));   /* per thread [cols, KKC] */
    float *yp = arena_alloc(s, (size_t)T * Co * maxcols * sizeof(float));     /* per thread [cols, Co] (NHWC) */
    const size_t xim = (size_t)Ci * x->shape[2] * x->shape[3];
#pragma omp parallel for schedule(dynamic, 1) if (C > 1)
    for (int t = 0; t < C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, C, t, &n0, &n1);
        const int cols = (n1 - n0) * HoWo;
        int xs[4] = {n1 - n0, Ci, x->shape[2], x->shape[3]};
        float *r = row + (size_t)me * KKC * maxcols, *yt = yp + (size_t)me * Co * maxcols;
        for (int grp = 0; grp < g.groups; grp++) {     /* yt[:, group] = rows @ w_g^T */
            KERNEL(x->dev, im2row)(x->data + n0 * xim, group_shape(xs, Kh, Kw, g, grp, Ho, Wo), r);
            KERNEL(x->dev, gemm)(0, 1, cols, Cog, KKC, 1.0f, r, KKC, w->data + (long)grp * Cog * KKC, KKC, 0.0f,
                                 yt + (long)grp * Cog, Co);
        }
        KERNEL(x->dev, nhwc_to_nchw)(yt, n1 - n0, Co, HoWo, y->data + (size_t)n0 * Co * HoWo);
    }
    set_geo(ad_record("conv2d", y, 2, (Tensor *[]){x, w}, fwd_bw), g);
    return y;
}

/* w [Co,Ci,Kh,Kw] -> [Ci,Co,Kh,Kw] turned by 180 degrees: the kernel of the transposed convolution as a forward one */
static Tensor *turned_transposed(const Tensor *w) {
    const int Co = w->shape[0], Ci = w->shape[1], KK = w->shape[2] * w->shape[3];
    Tensor *wf = tensor_new(TSHAPE(Ci, Co, w->shape[2], w->shape[3]));
    for (int o = 0; o < Co; o++)
        for (int i = 0; i < Ci; i++)
            for (int k = 0; k < KK; k++) wf->data[((size_t)i * Co + o) * KK + (KK - 1 - k)] = w->data[((size_t)o * Ci + i) * KK + k];
    return wf;
}

/* gy [N,Co,Ho,Wo], w [Co,Ci/g,Kh,Kw] -> gx with shape xs = [N,Ci,H,W] */
static Tensor *conv_dx(Tensor *gy, Tensor *w, const int *xs, Geo g) {
    gy = mg_contiguous(gy);
    w = mg_contiguous(w);
    const int N = gy->shape[0], Co = gy->shape[1], Ho = gy->shape[2], Wo = gy->shape[3];
    const int Cig = w->shape[1], Kh = w->shape[2], Kw = w->shape[3], Cog = Co / g.groups, KKC = Cig * Kh * Kw, HoWo = Ho * Wo;
    MG_CHECK(gy->ndim == 4 && w->shape[0] == Co && xs[1] == Cig * g.groups && xs[0] == N,
             "conv_transpose2d: input %s, weight %s, groups %d", tensor_shape_str(gy), tensor_shape_str(w), g.groups);
    if (single_window(xs, Kh, Kw, g) && HoWo == 1) {     /* gx [N,KKC] = gy [N,Co] @ w */
        Tensor *gx = tensor_new(TSHAPE(xs[0], xs[1], xs[2], xs[3]));
        KERNEL(gy->dev, gemm)(0, 0, N, KKC, Co, 1.0f, gy->data, Co, w->data, KKC, 0.0f, gx->data, KKC);
        set_geo(ad_record("conv_transpose2d", gx, 2, (Tensor *[]){gy, w}, dx_bw), g);
        return gx;
    }
    if (column_path(g) && Kh - 1 - g.ph >= 0 && Kw - 1 - g.pw >= 0 && 2 * g.ph >= Kh - 1 && 2 * g.pw >= Kw - 1) {
        /* stride 1: the transposed convolution is the forward convolution of gy with the kernel turned by
         * 180 degrees and its in/out channels swapped, padding K-1-p: one sgemm of depth Co*Kh*Kw, as the
         * forward, instead of depth Co followed by a col2im scatter.  Only where K-1-p <= p ("same" or
         * shrinking convolutions): a generator's transposed convolution of a small image (p = 0) would pad
         * it by K-1 and multiply mostly zeros (the course G: 3x3 -> 6x6, 4x the work). */
        Tensor *gx = tensor_new(TSHAPE(xs[0], xs[1], xs[2], xs[3]));
        conv_fwd_s1(gy, turned_transposed(w), (Geo){1, Kh - 1 - g.ph, Kw - 1 - g.pw, 1}, gx);
        set_geo(ad_record("conv_transpose2d", gx, 2, (Tensor *[]){gy, w}, dx_bw), g);
        return gx;
    }
    Tensor *gx = tensor_zeros(TSHAPE(xs[0], xs[1], xs[2], xs[3]));
    if (column_path(g)) {
        conv_dx_col(gy, w, g, gx);
        set_geo(ad_record("conv_transpose2d", gx, 2, (Tensor *[]){gy, w}, dx_bw), g);
        return gx;
    }
    const int C = n_chunks(N, 2L * N * HoWo * Co * KKC), T = omp_get_max_threads();
    const long maxcols = (long)((N + C - 1) / C) * HoWo;
    Arena *s = scratch();
    float *gyp = arena_alloc(s, (size_t)T * Co * maxcols * sizeof(float));    /* per thread [cols, Co] (NHWC) */
    float *row = arena_alloc(s, (size_t)T * KKC * maxcols * sizeof(float));   /* per thread [cols, KKC] */
    const size_t xim = (size_t)xs[1] * xs[2] * xs[3];
#pragma omp parallel for schedule(dynamic, 1) if (C > 1)
    for (int t = 0; t < C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, C, t, &n0, &n1);
        const int cols = (n1 - n0) * HoWo;
        int xst[4] = {n1 - n0, xs[1], xs[2], xs[3]};
        float *gt = gyp + (size_t)me * Co * maxcols, *r = row + (size_t)me * KKC * maxcols;
        KERNEL(gy->dev, nchw_to_nhwc)(gy->data + (size_t)n0 * Co * HoWo, n1 - n0, Co, HoWo, gt);
        for (int grp = 0; grp < g.groups; grp++) {     /* rows = gy[:, group] @ w_g, scattered back */
            KERNEL(gy->dev, gemm)(0, 0, cols, KKC, Cog, 1.0f, gt + (long)grp * Cog, Co,
                                  w->data + (long)grp * Cog * KKC, KKC, 0.0f, r, KKC);
            KERNEL(gy->dev, row2im)(r, group_shape(xst, Kh, Kw, g, grp, Ho, Wo), gx->data + n0 * xim);
        }
    }
    set_geo(ad_record("conv_transpose2d", gx, 2, (Tensor *[]){gy, w}, dx_bw), g);
    return gx;
}

/* x [N,Ci,H,W], gy [N,Co,Ho,Wo] -> gw [Co,Ci/g,Kh,Kw] */
static Tensor *conv_dw(Tensor *x, Tensor *gy, Geo g, int Kh, int Kw) {
    x = mg_contiguous(x);
    gy = mg_contiguous(gy);
    const int N = x->shape[0], Ci = x->shape[1], Co = gy->shape[1], Ho = gy->shape[2], Wo = gy->shape[3];
    const int Cig = Ci / g.groups, Cog = Co / g.groups, KKC = Cig * Kh * Kw, HoWo = Ho * Wo;
    Tensor *gw = tensor_new(TSHAPE(Co, Cig, Kh, Kw));
    if (single_window(x->shape, Kh, Kw, g) && HoWo == 1) {   /* gw [Co,KKC] = gy[N,Co]^T @ x [N,KKC] */
        KERNEL(x->dev, gemm)(1, 0, Co, KKC, N, 1.0f, gy->data, Co, x->data, KKC, 0.0f, gw->data, KKC);
        set_geo(ad_record("conv2d_weight_grad", gw, 2, (Tensor *[]){x, gy}, dw_bw), g);
        return gw;
    }
    if (column_path(g)) {
        if (winograd_path(gw, g, x->shape)) conv_dw_wino(x, gy, gw);
        else conv_dw_col(x, gy, g, gw);
        set_geo(ad_record("conv2d_weight_grad", gw, 2, (Tensor *[]){x, gy}, dw_bw), g);
        return gw;
    }
    const int C = n_chunks(N, 2L * N * HoWo * Co * KKC), T = omp_get_max_threads();
    const long maxcols = (long)((N + C - 1) / C) * HoWo;
    const size_t wn = (size_t)Co * KKC;
    Arena *s = scratch();
    float *gyp = arena_alloc(s, (size_t)T * Co * maxcols * sizeof(float));    /* per thread [cols, Co] (NHWC) */
    float *row = arena_alloc(s, (size_t)T * KKC * maxcols * sizeof(float));   /* per thread [cols, KKC] */
    float *part = arena_alloc(s, (size_t)C * wn * sizeof(float));        /* per-chunk partial gw */
    const size_t xim = (size_t)Ci * x->shape[2] * x->shape[3];
#pragma omp parallel for schedule(dynamic, 1) if (C > 1)
    for (int t = 0; t < C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, C, t, &n0, &n1);
        const int cols = (n1 - n0) * HoWo;
        int xs[4] = {n1 - n0, Ci, x->shape[2], x->shape[3]};
        float *gt = gyp + (size_t)me * Co * maxcols, *r = row + (size_t)me * KKC * maxcols, *pt = part + t * wn;
        KERNEL(x->dev, nchw_to_nhwc)(gy->data + (size_t)n0 * Co * HoWo, n1 - n0, Co, HoWo, gt);
        for (int grp = 0; grp < g.groups; grp++) {     /* gw_g = gy[:, group]^T @ rows */
            KERNEL(x->dev, im2row)(x->data + n0 * xim, group_shape(xs, Kh, Kw, g, grp, Ho, Wo), r);
            KERNEL(x->dev, gemm)(1, 0, Cog, KKC, cols, 1.0f, gt + (long)grp * Cog, Co, r, KKC, 0.0f,
                                 pt + (long)grp * Cog * KKC, KKC);
        }
    }
    KERNEL(x->dev, sum_rows)(C, wn, part, gw->data);
    set_geo(ad_record("conv2d_weight_grad", gw, 2, (Tensor *[]){x, gy}, dw_bw), g);
    return gw;
}

static Tensor *add_channel_bias(Tensor *y, Tensor *b) {
    if (!b) return y;
    MG_CHECK(b->ndim == 1 && b->shape[0] == y->shape[1], "bias %s for output %s", tensor_shape_str(b),
             tensor_shape_str(y));
    return mg_add(y, mg_reshape(b, TSHAPE(1, b->shape[0], 1, 1)));
}

static Geo geo_of(ConvGeom cg, int ph, int pw) {
    Geo g = {cg.stride ? cg.stride : 1, ph, pw, cg.groups ? cg.groups : 1};
    MG_CHECK(g.stride > 0 && g.ph >= 0 && g.pw >= 0 && g.groups > 0, "conv: stride %d, padding %d,%d, groups %d", g.stride,
             g.ph, g.pw, g.groups);
    return g;
}

Tensor *mg_conv2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg, int pad_h, int pad_w) {
    return add_channel_bias(conv_fwd(x, w, geo_of(cg, pad_h, pad_w)), b);
}

Tensor *mg_conv2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg) { return mg_conv2d_hw(x, w, b, cg, cg.pad, cg.pad); }

Tensor *mg_conv_transpose2d_hw(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg, int pad_h, int pad_w) {
    Geo g = geo_of(cg, pad_h, pad_w);
    MG_CHECK(x->ndim == 4 && w->ndim == 4 && w->shape[0] == x->shape[1],
             "conv_transpose2d: input %s, weight %s", tensor_shape_str(x), tensor_shape_str(w));
    MG_CHECK(cg.out_pad >= 0 && cg.out_pad < g.stride, "conv_transpose2d: output_padding %d must be < stride %d",
             cg.out_pad, g.stride);
    const int Kh = w->shape[2], Kw = w->shape[3];
    int xs[4] = {x->shape[0], w->shape[1] * g.groups, (x->shape[2] - 1) * g.stride - 2 * g.ph + Kh + cg.out_pad,
                 (x->shape[3] - 1) * g.stride - 2 * g.pw + Kw + cg.out_pad};
    MG_CHECK(xs[2] > 0 && xs[3] > 0, "conv_transpose2d: empty output for input %s", tensor_shape_str(x));
    return add_channel_bias(conv_dx(x, w, xs, g), b);
}

Tensor *mg_conv_transpose2d(Tensor *x, Tensor *w, Tensor *b, ConvGeom cg) {
    return mg_conv_transpose2d_hw(x, w, b, cg, cg.pad, cg.pad);
}
