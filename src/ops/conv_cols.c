/* The convolution family ops in the column layout (kernels/conv_col.h): stride 1, one group (ops/conv_plan.h).
 * Per run of n images of a chunk: col [KKC, n HoWo] = im2col(x); fwd: y [Co, n HoWo] = w @ col; dx: col = w^T @ gy,
 * col2im; dw: gy [Co, n HoWo] @ col^T, accumulated over the chunk's runs.  A run is one image when it has
 * >= 1024 output pixels (no layout moves), else the whole chunk, whose gy / y are then moved between
 * [n,Co,HoWo] and [Co, n HoWo]. */
#include "ops/conv_plan.h"
#include "kernels/conv_col.h"
#include "kernels/gemm.h"
#include "kernels/reduce.h"
#include <string.h>

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

/* one image (x, gy, y, gx at that image, NULL where not wanted); part: the chunk's partial gw, beta 0 to start it */
static void one_image(const ConvJob *j, const float *x, const float *gy, float *y, float *gx, float *c, float *part,
                      float beta) {
    const int Ci = j->Ci, Co = j->Co, Ho = j->Ho, Wo = j->Wo, HoWo = Ho * Wo, KKC = Ci * j->Kh * j->Kw;
    /* a 1x1 kernel without padding: the columns of a band are the image's own rows (read in place, ld HoWo) */
    const int in_place = j->Kh == 1 && j->Kw == 1 && j->g.ph == 0 && j->g.pw == 0;
    if (y || part)           /* band by band: y [Co, rows of the band] = w @ col; part += gy [Co, rows] @ col^T */
        for (int r0 = 0, band = col_band(KKC, Ho, Wo); r0 < Ho; r0 += band) {
            const int rb = r0 + band <= Ho ? band : Ho - r0;
            const float *cb = in_place ? x + (size_t)r0 * Wo : c;
            const int ldc = in_place ? HoWo : rb * Wo;
            if (!in_place)
                KERNEL(j->dev, im2col)(x, (ColShape){1, Ci, j->H, j->W, j->Kh, j->Kw, j->g.ph, j->g.pw, rb, Wo, r0}, c);
            if (y)
                KERNEL(j->dev, gemm)(0, 0, Co, rb * Wo, KKC, 1.0f, j->w->data, KKC, cb, ldc, 0.0f, y + (size_t)r0 * Wo, HoWo);
            if (part)
                KERNEL(j->dev, gemm)(0, 1, Co, KKC, rb * Wo, 1.0f, gy + (size_t)r0 * Wo, HoWo, cb, ldc,
                                     r0 == 0 ? beta : 1.0f, part, KKC);
        }
    if (gx) {                /* col = w^T @ gy, added back */
        memset(gx, 0, (size_t)Ci * j->H * j->W * sizeof(float));
        KERNEL(j->dev, gemm)(1, 0, KKC, HoWo, Co, 1.0f, j->w->data, KKC, gy, HoWo, 0.0f, c, HoWo);
        KERNEL(j->dev, col2im)(c, (ColShape){1, Ci, j->H, j->W, j->Kh, j->Kw, j->g.ph, j->g.pw, Ho, Wo, 0}, gx);
    }
}

/* n images side by side; tmp [Co, n HoWo] holds y, then gy, in the column order */
static void images(const ConvJob *j, int n, const float *x, const float *gy, float *y, float *gx, float *c, float *tmp,
                   float *part, float beta) {
    const int Ci = j->Ci, Co = j->Co, HoWo = j->Ho * j->Wo, KKC = Ci * j->Kh * j->Kw, cols = n * HoWo;
    const ColShape cs = {n, Ci, j->H, j->W, j->Kh, j->Kw, j->g.ph, j->g.pw, j->Ho, j->Wo, 0};
    if (y || part) KERNEL(j->dev, im2col)(x, cs, c);
    if (y) {
        KERNEL(j->dev, gemm)(0, 0, Co, cols, KKC, 1.0f, j->w->data, KKC, c, cols, 0.0f, tmp, cols);
        KERNEL(j->dev, cnhw_to_nchw)(tmp, n, Co, HoWo, y);
    }
    if (!part && !gx) return;
    KERNEL(j->dev, nchw_to_cnhw)(gy, n, Co, HoWo, tmp);
    if (part) KERNEL(j->dev, gemm)(0, 1, Co, KKC, cols, 1.0f, tmp, cols, c, cols, beta, part, KKC);
    if (gx) {
        memset(gx, 0, (size_t)n * Ci * j->H * j->W * sizeof(float));
        KERNEL(j->dev, gemm)(1, 0, KKC, cols, Co, 1.0f, j->w->data, KKC, tmp, cols, 0.0f, c, cols);
        KERNEL(j->dev, col2im)(c, cs, gx);
    }
}

void conv_cols(const ConvJob *j) {
    const int N = j->N, Co = j->Co, HoWo = j->Ho * j->Wo, KKC = j->Ci * j->Kh * j->Kw;
    const ColPlan p = col_plan(N, HoWo, job_flops(j));
    const size_t wn = (size_t)Co * KKC, xim = (size_t)j->Ci * j->H * j->W, yim = (size_t)Co * HoWo;
    Arena *s = conv_scratch();
    float *col = arena_alloc(s, (size_t)p.T * KKC * p.maxcols * sizeof(float));
    float *tmp = arena_alloc(s, (size_t)p.T * Co * p.maxcols * sizeof(float));
    float *part = j->gw ? arena_alloc(s, (size_t)p.C * wn * sizeof(float)) : NULL;      /* per-chunk partial gw */
#pragma omp parallel for schedule(dynamic, 1) if (p.C > 1)
    for (int t = 0; t < p.C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, p.C, t, &n0, &n1);
        float *c = col + (size_t)me * KKC * p.maxcols, *tm = tmp + (size_t)me * Co * p.maxcols;
        for (int i0 = n0, run = col_run(n1 - n0, HoWo); i0 < n1; i0 += run) {
            const int n = i0 + run <= n1 ? run : n1 - i0;
            const float *x = j->x ? j->x->data + i0 * xim : NULL, *gy = j->gy ? j->gy->data + i0 * yim : NULL;
            float *y = j->y ? j->y->data + i0 * yim : NULL, *gx = j->gx ? j->gx->data + i0 * xim : NULL;
            float *pt = part ? part + t * wn : NULL, beta = i0 == n0 ? 0.0f : 1.0f;
            if (n == 1) one_image(j, x, gy, y, gx, c, pt, beta);
            else images(j, n, x, gy, y, gx, c, tm, pt, beta);
            if (j->bias && y) KERNEL(j->dev, add_channel_bias)(y, n, Co, HoWo, j->bias);
            if (j->bias && gx) KERNEL(j->dev, add_channel_bias)(gx, n, j->Ci, (long)j->H * j->W, j->bias);
        }
    }
    if (j->gw) KERNEL(j->dev, sum_rows)(p.C, wn, part, j->gw->data);
}
