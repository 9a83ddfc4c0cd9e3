#include "train/model_dcgan_course.h"
#include "core/error.h"
#include "models/dcgan_course.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    DcganG g;
    DcganD d;
} Course;

static Tensor *g_fwd(GanModel *m, Tensor *z, int training) { return dcgan_g_forward(&((Course *)m->impl)->g, z, training); }
static Tensor *d_fwd(GanModel *m, Tensor *x, int training) { return dcgan_d_forward(&((Course *)m->impl)->d, x, training); }

static void free_course(GanModel *m) {
    Course *c = m->impl;
    c->g.bn.mem = NULL;                 /* the memory belongs to m->buffers */
    c->d.bn.mem = NULL;
    dcgan_g_free(&c->g);
    dcgan_d_free(&c->d);
    free(c);
}

/* channels of a DcganBn: its means come first, then its variances */
static int bn_channels(const DcganBn *bn) { return bn->n ? (int)(bn->st[0].running_var - bn->st[0].running_mean) : 0; }

/* moves bn's [means | variances] into the store's tensor t and repoints the layers there */
static void rebind(DcganBn *bn, Tensor *t) {
    int total = bn_channels(bn);
    memcpy(t->data, bn->mem, 2 * (size_t)total * sizeof(float));
    for (int i = 0; i < bn->n; i++) {
        ptrdiff_t off = bn->st[i].running_mean - bn->mem;
        bn->st[i].running_mean = t->data + off;
        bn->st[i].running_var = t->data + total + off;
    }
    free(bn->mem);
    bn->mem = t->data;
}

void gan_dcgan_course_init(GanModel *m, int d_bn, int init_normal, Rng *init) {
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
    Tensor *gb = params_add(m->buffers, "G.bn", TSHAPE(2 * bn_channels(&c->g.bn)));
    Tensor *db = d_bn ? params_add(m->buffers, "D.bn", TSHAPE(2 * bn_channels(&c->d.bn))) : NULL;
    params_finalize(m->buffers);
    rebind(&c->g.bn, gb);
    if (db) rebind(&c->d.bn, db);
}
