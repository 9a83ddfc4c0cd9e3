/* Discriminator features and synthesis with explicit noise maps (see sg2_features.h). */
#include "models/sg2_features.h"
#include "core/error.h"

int sg2_d_num_features(const Sg2 *g) { return g->nblocks; }

void sg2_d_features(const Sg2 *g, Tensor *img, Tensor **feats) {
    MG_CHECK(img->ndim == 4 && img->shape[1] == g->s.channels && img->shape[2] == g->s.resolution &&
             img->shape[3] == g->s.resolution, "sg2_d_features: images %s, expected [N,%d,%d,%d]", tensor_shape_str(img),
             g->s.channels, g->s.resolution, g->s.resolution);
    MG_CHECK(sg2_full_stage(g), "sg2_d_features: the networks are at a growing stage (%dx%d)", sg2_stage_res(g), sg2_stage_res(g));
    Tensor *x = eq_conv(&g->fromrgb, img);                                          /* [N,C_R,R,R] */
    int k = 0;
    feats[k++] = x;
    for (int b = g->nblocks - 1; b >= 1; b--) {                                     /* as sg2_discriminator */
        Tensor *skip = eq_conv(&g->dskip[b], x);                                    /* [N,C_r/2,r/2,r/2] */
        x = mg_add(skip, eq_conv(&g->dconv1[b], eq_conv(&g->dconv0[b], x)));
        feats[k++] = x;
    }
}

Tensor *sg2_d_epilogue(const Sg2 *g, Tensor *x) {
    x = eq_conv(&g->econv, sg2_mbstd(x, g->s.mbstd_group));                        /* [N,C4,4,4] */
    x = eq_linear(&g->efc, mg_reshape(x, TSHAPE(x->shape[0], -1)));                 /* [N,C4] */
    return eq_linear(&g->eout, x);                                                  /* [N,1] */
}

int sg2_num_noise(const Sg2 *g) { return 2 * g->nblocks - 1; }

static const ModConv *noise_layer(const Sg2 *g, int k) {
    MG_CHECK(k >= 0 && k < sg2_num_noise(g), "sg2 noise layer %d of %d", k, sg2_num_noise(g));
    if (k == 0) return &g->conv1[0];
    const int b = (k + 1) / 2;
    return k % 2 ? &g->conv0[b] : &g->conv1[b];
}

int sg2_noise_res(const Sg2 *g, int k) { return noise_layer(g, k)->res; }
Tensor *sg2_noise_const(const Sg2 *g, int k) { return noise_layer(g, k)->noise_const; }

static Tensor *slot(Tensor *ws, int j) {                                 /* [N,num_ws,Wd] -> [N,Wd] */
    return mg_reshape(mg_slice(ws, 1, j, 1), TSHAPE(ws->shape[0], ws->shape[2]));
}

Tensor *sg2_synthesis_noise(const Sg2 *g, Tensor *ws, Tensor *const *noise) {
    MG_CHECK(ws->ndim == 3 && ws->shape[1] == g->num_ws && ws->shape[2] == g->s.w_dim,
             "sg2_synthesis_noise: ws %s, expected [N,%d,%d]", tensor_shape_str(ws), g->num_ws, g->s.w_dim);
    MG_CHECK(sg2_full_stage(g), "sg2_synthesis_noise: the networks are at a growing stage (%dx%d)", sg2_stage_res(g), sg2_stage_res(g));
    const int n = ws->shape[0], c4 = g->const_input->shape[0];
    Tensor *x = mg_expand(mg_reshape(g->const_input, TSHAPE(1, c4, 4, 4)), TSHAPE(n, c4, 4, 4));
    Tensor *img = NULL;
    int j = 0, k = 0;
    for (int b = 0; b < g->nblocks; b++) {
        if (b) { x = mod_conv_noise(&g->conv0[b], x, slot(ws, j++), noise ? noise[k] : NULL); k++; }
        x = mod_conv_noise(&g->conv1[b], x, slot(ws, j++), noise ? noise[k] : NULL);          /* [N,C_r,r,r] */
        k++;
        Tensor *y = mod_conv_noise(&g->torgb[b], x, slot(ws, j), NULL);                       /* [N,channels,r,r] */
        img = img ? mg_add(mg_upsample_bilinear(img, 2), y) : y;
    }
    return img;
}
