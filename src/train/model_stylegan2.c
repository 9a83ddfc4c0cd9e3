#include "train/model_stylegan2.h"
#include "core/error.h"
#include "train/ada.h"
#include <stdlib.h>

typedef struct {
    Sg2 net;
    float psi;
    Tensor *pl_mean, *ada;      /* buffers [1], [ADA_STATE_FLOATS] */
} Sg2Model;

/* conditional: gan_g passes z ++ one-hot [N,Z+K,1,1]; the classes are taken from m->labels */
static Tensor *g_fwd(GanModel *m, Tensor *z, int training) {
    Sg2Model *s = m->impl;
    const int n = z->shape[0];
    Tensor *z2 = mg_slice(mg_reshape(z, TSHAPE(n, z->shape[1])), 1, 0, m->z_dim);                  /* [N,Z] */
    Tensor *w = sg2_mapping(&s->net, z2, sg2_onehot(&s->net, n, m->labels), s->psi);              /* [N,Wd] */
    return sg2_synthesis(&s->net, sg2_broadcast_w(&s->net, w), SG2_NOISE_CONST, NULL);          /* [N,C,R,R] */
}

/* conditional: gan_d passes x ++ K class planes [N,C+K,S,S]; the classes are taken from m->labels */
static Tensor *d_fwd(GanModel *m, Tensor *x, int training) {
    Sg2Model *s = m->impl;
    const int n = x->shape[0];
    Tensor *img = m->n_classes ? mg_slice(x, 1, 0, m->channels) : x;                             /* [N,C,S,S] */
    return mg_reshape(sg2_discriminator(&s->net, img, sg2_onehot(&s->net, n, m->labels)), TSHAPE(n, 1, 1, 1));
}

static void free_sg2(GanModel *m) {
    params_free(m->g_ps);
    params_free(m->d_ps);
    free(m->impl);
}

int gan_stylegan2_init(GanModel *m, Sg2Spec spec, Rng *init) {
    Sg2Model *s = mg_xcalloc(1, sizeof *s);
    ParamStore *g = params_new(), *d = params_new(), *b = params_new();
    if (sg2_add(&s->net, spec, g, d, b)) {
        params_free(g);
        params_free(d);
        params_free(b);
        free(s);
        return -1;
    }
    s->psi = 1.0f;
    s->pl_mean = params_add(b, "train.pl_mean", TSHAPE(1));
    s->ada = params_add(b, "train.ada", TSHAPE(ADA_STATE_FLOATS));
    params_finalize(g);
    params_finalize(d);
    params_finalize(b);
    params_set_requires_grad(b, 0);
    sg2_init_values(&s->net, init);
    *m = (GanModel){.z_dim = spec.z_dim, .n_classes = spec.c_dim, .channels = spec.channels, .size = spec.resolution, .g_ps = g, .d_ps = d,
                    .buffers = b, .g_forward = g_fwd, .d_forward = d_fwd, .free_impl = free_sg2, .impl = s};
    return 0;
}

Sg2 *gan_stylegan2_net(GanModel *m) { return m->g_forward == g_fwd ? &((Sg2Model *)m->impl)->net : NULL; }
void gan_stylegan2_set_psi(GanModel *m, float psi) { if (m->g_forward == g_fwd) ((Sg2Model *)m->impl)->psi = psi; }
float *gan_stylegan2_pl_mean(GanModel *m) { return ((Sg2Model *)m->impl)->pl_mean->data; }
float *gan_stylegan2_ada_state(GanModel *m) { return ((Sg2Model *)m->impl)->ada->data; }
