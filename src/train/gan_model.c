#include "train/gan_model.h"
#include "core/error.h"
#include <string.h>

void gan_model_free(GanModel *m) {
    if (m->free_impl) m->free_impl(m);
    params_free(m->buffers);
    memset(m, 0, sizeof *m);
}

/* one-hot [N,K,h,h] of m->labels: 1 in plane label[n] of image n */
static Tensor *planes(const GanModel *m, int n, int h) {
    const int k = m->n_classes;
    Tensor *p = tensor_zeros(TSHAPE(n, k, h, h));
    for (int i = 0; i < n; i++) {
        MG_CHECK(m->labels[i] >= 0 && m->labels[i] < k, "gan model: class %d of %d", m->labels[i], k);
        float *q = p->data + ((size_t)i * k + m->labels[i]) * h * h;
        for (int j = 0; j < h * h; j++) q[j] = 1;
    }
    return p;
}

Tensor *gan_g(GanModel *m, Tensor *z, int training) {
    if (!m->n_classes) return m->g_forward(m, z, training);
    Tensor *in[2] = {z, planes(m, z->shape[0], 1)};
    return m->g_forward(m, mg_concat(2, in, 1), training);       /* [N,Z+K,1,1] */
}

Tensor *gan_d(GanModel *m, Tensor *x, int training) {
    if (!m->n_classes) return m->d_forward(m, x, training);
    Tensor *in[2] = {x, planes(m, x->shape[0], x->shape[2])};
    return m->d_forward(m, mg_concat(2, in, 1), training);       /* [N,C+K,S,S] */
}
