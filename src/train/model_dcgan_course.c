#include "train/model_dcgan_course.h"
#include "core/error.h"
#include "models/dcgan_course.h"
#include "train/spectral_norm.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    DcganG g;
    DcganD d;
    Tensor *sn_u[3], *sn_v[3];          /* spectral norm buffers of D's convs (NULL without) */
} Course;

static Tensor *g_fwd(GanModel *m, Tensor *z, int training) { return dcgan_g_forward(&((Course *)m->impl)->g, z, training); }
static Tensor *d_fwd(GanModel *m, Tensor *x, int training) { return dcgan_d_forward(&((Course *)m->impl)->d, x, training); }

/* dcgan_d_forward with spectral normalisation of every conv weight (D without batch norm) */
static Tensor *d_fwd_sn(GanModel *m, Tensor *x, int training) {
    Course *c = m->impl;
    DcganD *d = &c->d;
    const ConvGeom geom = {2, 0, 0, 1};
    Tensor *h = x;                                        /* [N,1,28,28] -> [N,d,13,13] -> [N,2d,5,5] -> [N,1,1,1] */
    for (int i = 0; i < 3; i++) {
        h = mg_conv2d(h, mg_spectral_norm(d->w[i], c->sn_u[i]->data, c->sn_v[i]->data, training), d->b[i], geom);
        if (i < 2) h = mg_leaky_relu(h, 0.2f);
    }
    return h;
}

static void free_course(GanModel *m) {
    Course *c = m->impl;
    dcgan_g_free(&c->g);
    dcgan_d_free(&c->d);
    free(c);
}

void gan_dcgan_course_init(GanModel *m, int d_bn, int sn, int init_normal, Rng *init) {
    MG_CHECK(!(d_bn && sn), "gan_dcgan_course_init: spectral norm replaces D's batch norm");
    Course *c = mg_xcalloc(1, sizeof *c);
    dcgan_g_init(&c->g, dcgan_course_config(d_bn), init);
    dcgan_d_init(&c->d, dcgan_course_config(d_bn), init);
    if (init_normal) {
        dcgan_g_init_normal(&c->g, init, 0.02f);
        dcgan_d_init_normal(&c->d, init, 0.02f);
    }
    *m = (GanModel){.z_dim = c->g.cfg.z_dim, .channels = 1, .size = 28, .d_has_bn = d_bn, .g_ps = c->g.ps,
                    .d_ps = c->d.ps, .buffers = params_new(), .g_forward = g_fwd, .d_forward = d_fwd,
                    .free_impl = free_course, .impl = c};
    Tensor *gb = params_add(m->buffers, "G.bn", TSHAPE(2 * dcgan_bn_channels(&c->g.bn)));
    Tensor *db = d_bn ? params_add(m->buffers, "D.bn", TSHAPE(2 * dcgan_bn_channels(&c->d.bn))) : NULL;
    for (int i = 0; sn && i < 3; i++) {
        char name[32];
        const Tensor *w = c->d.w[i];
        snprintf(name, sizeof name, "D.sn%d.u", i);
        c->sn_u[i] = params_add(m->buffers, name, TSHAPE(w->shape[0]));
        snprintf(name, sizeof name, "D.sn%d.v", i);
        c->sn_v[i] = params_add(m->buffers, name, TSHAPE((int)(tensor_numel(w) / w->shape[0])));
    }
    params_finalize(m->buffers);
    for (int i = 0; sn && i < 3; i++)
        sn_init(c->sn_u[i]->data, c->sn_u[i]->shape[0], c->sn_v[i]->data, c->sn_v[i]->shape[0], init);
    if (sn) m->d_forward = d_fwd_sn;
    dcgan_bn_rebind(&c->g.bn, gb);
    if (db) dcgan_bn_rebind(&c->d.bn, db);
}
