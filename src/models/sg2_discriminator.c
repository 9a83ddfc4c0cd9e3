/* The residual discriminator of models/stylegan2.h and its minibatch standard-deviation layer. */
#include "models/stylegan2.h"
#include "core/error.h"
#include <math.h>

Tensor *sg2_mbstd(Tensor *x, int group) {
    const int n = x->shape[0], c = x->shape[1], h = x->shape[2], w = x->shape[3];
    const int gs = group < n ? group : n, m = n / gs;     /* sample i = k m + j is in group j (the reference's order) */
    MG_CHECK(gs * m == n, "minibatch stddev: batch %d is not a multiple of the group size %d", n, gs);
    Tensor *y = mg_reshape(x, TSHAPE(gs, m, c * h * w));                            /* [G,M,F] */
    y = mg_sub(y, mg_mean(y, 1u, 1));                                               /* centre within each group */
    y = mg_sqrt(mg_affine(mg_mean(mg_square(y), 1u, 0), 1.0f, 1e-8f));             /* [M,F] std */
    y = mg_mean(y, 1u << 1, 1);                                                     /* [M,1] */
    y = mg_expand(mg_reshape(y, TSHAPE(1, m, 1)), TSHAPE(gs, m, h * w));           /* [G,M,H*W] */
    Tensor *parts[2] = {x, mg_reshape(y, TSHAPE(n, 1, h, w))};
    return mg_concat(2, parts, 1);                                                  /* [N,C+1,H,W] */
}

Tensor *sg2_discriminator(const Sg2 *g, Tensor *img, Tensor *c) {
    MG_CHECK(img->ndim == 4 && img->shape[1] == g->s.channels && img->shape[2] == g->s.resolution &&
             img->shape[3] == g->s.resolution, "sg2_discriminator: images %s, expected [N,%d,%d,%d]", tensor_shape_str(img),
             g->s.channels, g->s.resolution, g->s.resolution);
    MG_CHECK(g->s.c_dim ? c && c->ndim == 2 && c->shape[0] == img->shape[0] && c->shape[1] == g->s.c_dim : !c,
             "sg2_discriminator: classes %s for a model of %d classes and %d images", c ? tensor_shape_str(c) : "none",
             g->s.c_dim, img->shape[0]);
    const int top = g->stage, full = g->nblocks - 1;
    Tensor *x;
    if (top == full) x = eq_conv(&g->fromrgb, img);                                 /* [N,C_R,R,R] */
    else {                                                                          /* growing: images pooled to r_s */
        const int f = 1 << (full - top);
        img = mg_avg_pool2d(img, f, f, 0);                                          /* [N,C,r_s,r_s] */
        x = eq_conv(&g->dfromrgb[top], img);                                        /* [N,C_r,r_s,r_s] */
    }
    for (int b = top; b >= 1; b--) {
        Tensor *skip = eq_conv(&g->dskip[b], x);                                    /* [N,C_r/2,r/2,r/2] */
        x = eq_conv(&g->dconv1[b], eq_conv(&g->dconv0[b], x));
        x = mg_add(skip, x);
        if (b == top && g->alpha != 1.0f) {                                         /* fade-in: blend with the old input layer */
            Tensor *old = eq_conv(&g->dfromrgb[b - 1], mg_avg_pool2d(img, 2, 2, 0));   /* [N,C_r/2,r/2,r/2] */
            x = mg_add(mg_affine(x, g->alpha, 0), mg_affine(old, 1.0f - g->alpha, 0));
        }
    }
    x = eq_conv(&g->econv, sg2_mbstd(x, g->s.mbstd_group));                        /* [N,C4,4,4] */
    x = eq_linear(&g->efc, mg_reshape(x, TSHAPE(x->shape[0], -1)));                 /* [N,C4] */
    if (!g->s.c_dim) return eq_linear(&g->eout, x);                                 /* [N,1] */
    const int cm = g->efc.w->shape[0];
    Tensor *cmap = sg2_normalise(eq_linear(&g->dembed, c));                         /* [N,C4] */
    for (int i = 0; i < g->s.map_layers; i++) cmap = eq_linear(&g->dmap[i], cmap);   /* [N,C4] */
    Tensor *proj = mg_sum(mg_mul(eq_linear(&g->eout, x), cmap), 1u << 1, 1);         /* [N,1] */
    return mg_affine(proj, 1.0f / sqrtf((float)cm), 0);
}
