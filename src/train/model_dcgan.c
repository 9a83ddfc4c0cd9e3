#include "train/model_dcgan.h"
#include "core/error.h"
#include "train/spectral_norm.h"
#include <stdio.h>
#include <stdlib.h>

#define MAXL 7

typedef struct {
    DcganSpec s;
    int n;                                  /* upsampling stages */
    Tensor *gw[MAXL + 1], *gg[MAXL], *gb[MAXL];
    BatchNormStats gbn[MAXL];
    Tensor *dw[MAXL + 1], *dbias, *dg[MAXL], *db[MAXL];
    BatchNormStats dbn[MAXL];
    Tensor *u[MAXL + 1], *v[MAXL + 1];
} Dcgan;

static Tensor *g_fwd(GanModel *m, Tensor *z, int training) {
    Dcgan *d = m->impl;
    Tensor *h = z;                                                   /* [N,Z,1,1] */
    for (int i = 0; i < d->n; i++) {                                 /* -> [N,w_i,4*2^i,4*2^i] */
        ConvGeom g = i ? (ConvGeom){2, 1, 0, 1} : (ConvGeom){1, 0, 0, 1};
        h = mg_batch_norm_act(mg_conv_transpose2d(h, d->gw[i], NULL, g), d->gg[i], d->gb[i], &d->gbn[i], training, 0);
    }
    return mg_tanh(mg_conv_transpose2d(h, d->gw[d->n], NULL, (ConvGeom){2, 1, 0, 1}));   /* [N,C,R,R] */
}

static Tensor *d_weight(Dcgan *d, int i, int training) {
    return d->s.d_norm == 2 ? mg_spectral_norm(d->dw[i], d->u[i]->data, d->v[i]->data, training) : d->dw[i];
}

static Tensor *d_fwd(GanModel *m, Tensor *x, int training) {
    Dcgan *d = m->impl;
    Tensor *h = x;                                                   /* [N,C,R,R] */
    for (int i = 0; i < d->n; i++) {                                 /* -> [N,d 2^i,R/2^(i+1),...] */
        h = mg_conv2d(h, d_weight(d, i, training), NULL, (ConvGeom){2, 1, 0, 1});
        if (i && d->s.d_norm == 0) h = mg_batch_norm_act(h, d->dg[i], d->db[i], &d->dbn[i], training, 0.2f);
        else h = mg_leaky_relu(h, 0.2f);
    }
    return mg_conv2d(h, d_weight(d, d->n, training), d->dbias, (ConvGeom){1, 0, 0, 1});   /* [N,d_out,1,1] */
}

static void free_dcgan(GanModel *m) {
    params_free(m->g_ps);
    params_free(m->d_ps);
    free(m->impl);
}

static Tensor *add(ParamStore *ps, const char *fmt, int i, int ndim, const int *shape) {
    char name[MG_PARAM_NAME];
    snprintf(name, sizeof name, fmt, i);
    return params_add(ps, name, ndim, shape);
}

static void bind_bn(BatchNormStats *st, Tensor *buf) {
    const int c = buf->shape[0] / 2;
    *st = (BatchNormStats){.running_mean = buf->data, .running_var = buf->data + c, .momentum = 0.1f, .eps = 1e-5f};
    for (int k = 0; k < c; k++) { buf->data[k] = 0; buf->data[c + k] = 1; }
}

int gan_dcgan_init(GanModel *m, DcganSpec s, Rng *init) {
    int n = 0;
    while ((4 << n) < s.resolution) n++;
    if ((4 << n) != s.resolution || n < 2 || n > 6)
        return mg_error_set("--resolution %d: dcgan needs a power of two from 16 to 256, e.g. --resolution 64", s.resolution);
    if (s.channels != 1 && s.channels != 3) return mg_error_set("--channels %d: 1 (grey) or 3 (RGB)", s.channels);
    Dcgan *d = mg_xcalloc(1, sizeof *d);
    d->s = s;
    d->n = n;
    *m = (GanModel){.z_dim = s.z_dim, .channels = s.channels, .size = s.resolution, .d_has_bn = s.d_norm == 0, .n_classes = s.n_classes,
                    .g_ps = params_new(), .d_ps = params_new(), .buffers = params_new(), .g_forward = g_fwd,
                    .d_forward = d_fwd, .free_impl = free_dcgan, .impl = d};
    Tensor *gbuf[MAXL] = {0}, *dbuf[MAXL] = {0};
    int ci = s.z_dim + s.n_classes;
    for (int i = 0; i < n; i++) {                                   /* G */
        int co = s.g_width << (n - 1 - i);
        d->gw[i] = add(m->g_ps, "%d.weight", i, TSHAPE(ci, co, 4, 4));
        d->gg[i] = add(m->g_ps, "%d.bn.weight", i, TSHAPE(co));
        d->gb[i] = add(m->g_ps, "%d.bn.bias", i, TSHAPE(co));
        gbuf[i] = add(m->buffers, "G.bn%d", i, TSHAPE(2 * co));
        ci = co;
    }
    d->gw[n] = add(m->g_ps, "%d.weight", n, TSHAPE(ci, s.channels, 4, 4));
    ci = s.channels + s.n_classes;
    for (int i = 0; i <= n; i++) {                                  /* D */
        int co = i < n ? s.d_width << i : s.d_out > 0 ? s.d_out : 1;
        d->dw[i] = add(m->d_ps, "%d.weight", i, TSHAPE(co, ci, 4, 4));
        if (i && i < n && s.d_norm == 0) {
            d->dg[i] = add(m->d_ps, "%d.bn.weight", i, TSHAPE(co));
            d->db[i] = add(m->d_ps, "%d.bn.bias", i, TSHAPE(co));
            dbuf[i] = add(m->buffers, "D.bn%d", i, TSHAPE(2 * co));
        }
        if (s.d_norm == 2) {
            d->u[i] = add(m->buffers, "D.sn%d.u", i, TSHAPE(co));
            d->v[i] = add(m->buffers, "D.sn%d.v", i, TSHAPE(ci * 16));
        }
        ci = co;
    }
    d->dbias = params_add(m->d_ps, "out.bias", TSHAPE(s.d_out > 0 ? s.d_out : 1));
    params_finalize(m->g_ps);
    params_finalize(m->d_ps);
    params_finalize(m->buffers);
    for (int i = 0; i <= n; i++) {
        rng_normal(init, d->gw[i]->data, tensor_numel(d->gw[i]), 0, 0.02f);
        if (i < n) {
            rng_normal(init, d->gg[i]->data, tensor_numel(d->gg[i]), 1, 0.02f);
            bind_bn(&d->gbn[i], gbuf[i]);
        }
    }
    for (int i = 0; i <= n; i++) {
        rng_normal(init, d->dw[i]->data, tensor_numel(d->dw[i]), 0, 0.02f);
        if (d->dg[i]) {
            rng_normal(init, d->dg[i]->data, tensor_numel(d->dg[i]), 1, 0.02f);
            bind_bn(&d->dbn[i], dbuf[i]);
        }
        if (d->u[i]) sn_init(d->u[i]->data, d->u[i]->shape[0], d->v[i]->data, d->v[i]->shape[0], init);
    }
    return 0;
}
