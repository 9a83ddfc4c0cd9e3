/* The convolution family ops through im2row / row2im (kernels/conv.h), any stride and groups (ops/conv_plan.h).
 * Per chunk of n images, cols = n*Ho*Wo:
 *   rows [cols, KKC] = im2row(x)                                  (KKC = Ci/g * Kh * Kw)
 *   fwd: yt [cols, Co] (NHWC) = rows @ w_g^T per group, moved to y [n,Co,Ho,Wo]
 *   dx:  gt [cols, Co] = gy moved to NHWC; rows = gt_g @ w_g per group, scattered back by row2im
 *   dw:  gt as for dx; partial gw_g = gt_g^T @ rows per group, the chunks' partials summed in chunk order */
#include "ops/conv_plan.h"
#include "kernels/gemm.h"
#include "kernels/reduce.h"
#include <string.h>

static ConvShape group_shape(const int *xs, int Kh, int Kw, Geo g, int grp, int Ho, int Wo) {
    int Cig = xs[1] / g.groups;
    return (ConvShape){.N = xs[0], .Ctot = xs[1], .c0 = grp * Cig, .C = Cig, .H = xs[2], .W = xs[3], .Kh = Kh, .Kw = Kw,
                       .stride = g.stride, .ph = g.ph, .pw = g.pw, .Ho = Ho, .Wo = Wo};
}

void conv_rows(const ConvJob *j) {
    const Geo g = j->g;
    const int N = j->N, Co = j->Co, Cog = Co / g.groups, Kh = j->Kh, Kw = j->Kw, Ho = j->Ho, Wo = j->Wo, HoWo = Ho * Wo;
    const int KKC = j->Ci / g.groups * Kh * Kw, C = n_chunks(N, job_flops(j)), T = omp_get_max_threads();
    const long maxcols = (long)((N + C - 1) / C) * HoWo;
    const size_t xim = (size_t)j->Ci * j->H * j->W, yim = (size_t)Co * HoWo, wn = (size_t)Co * KKC;
    const float *w = j->w ? j->w->data : NULL;
    Arena *s = conv_scratch();
    float *row = arena_alloc(s, (size_t)T * KKC * maxcols * sizeof(float));                   /* per thread [cols, KKC] */
    float *yp = j->y ? arena_alloc(s, (size_t)T * Co * maxcols * sizeof(float)) : NULL;       /* per thread [cols, Co] */
    float *gyp = j->gx || j->gw ? arena_alloc(s, (size_t)T * Co * maxcols * sizeof(float)) : NULL;  /* [cols, Co] */
    float *part = j->gw ? arena_alloc(s, (size_t)C * wn * sizeof(float)) : NULL;             /* per-chunk partial gw */
#pragma omp parallel for schedule(dynamic, 1) if (C > 1)
    for (int t = 0; t < C; t++) {
        int n0, n1, me = omp_get_thread_num();
        chunk(N, C, t, &n0, &n1);
        const int cols = (n1 - n0) * HoWo, xs[4] = {n1 - n0, j->Ci, j->H, j->W};
        float *r = row + (size_t)me * KKC * maxcols;
        float *yt = yp ? yp + (size_t)me * Co * maxcols : NULL, *gt = gyp ? gyp + (size_t)me * Co * maxcols : NULL;
        if (gt) KERNEL(j->dev, nchw_to_nhwc)(j->gy->data + n0 * yim, n1 - n0, Co, HoWo, gt);
        if (j->gx) memset(j->gx->data + n0 * xim, 0, (size_t)(n1 - n0) * xim * sizeof(float));
        for (int grp = 0; grp < g.groups; grp++) {
            const ConvShape cs = group_shape(xs, Kh, Kw, g, grp, Ho, Wo);
            const float *wg = w ? w + (size_t)grp * Cog * KKC : NULL;
            if (j->y || j->gw) KERNEL(j->dev, im2row)(j->x->data + n0 * xim, cs, r);
            if (j->y)            /* yt[:, group] = rows @ w_g^T */
                KERNEL(j->dev, gemm)(0, 1, cols, Cog, KKC, 1.0f, r, KKC, wg, KKC, 0.0f, yt + (long)grp * Cog, Co);
            if (j->gw)           /* gw_g = gy[:, group]^T @ rows */
                KERNEL(j->dev, gemm)(1, 0, Cog, KKC, cols, 1.0f, gt + (long)grp * Cog, Co, r, KKC, 0.0f,
                                     part + t * wn + (long)grp * Cog * KKC, KKC);
            if (j->gx) {         /* rows = gy[:, group] @ w_g, scattered back */
                KERNEL(j->dev, gemm)(0, 0, cols, KKC, Cog, 1.0f, gt + (long)grp * Cog, Co, wg, KKC, 0.0f, r, KKC);
                KERNEL(j->dev, row2im)(r, cs, j->gx->data + n0 * xim);
            }
        }
        if (yt) KERNEL(j->dev, nhwc_to_nchw)(yt, n1 - n0, Co, HoWo, j->y->data + n0 * yim);
        if (j->bias && j->y) KERNEL(j->dev, add_channel_bias)(j->y->data + n0 * yim, n1 - n0, Co, HoWo, j->bias);
        if (j->bias && j->gx) KERNEL(j->dev, add_channel_bias)(j->gx->data + n0 * xim, n1 - n0, j->Ci, (long)j->H * j->W, j->bias);
    }
    if (j->gw) KERNEL(j->dev, sum_rows)(C, wn, part, j->gw->data);
}
