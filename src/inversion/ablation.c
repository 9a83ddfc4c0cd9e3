#include "inversion/ablation.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

EncTrainOpts ablation_config(const EncTrainOpts *base, int k, const char **what) {
    static const char *const names[ABL_N] = {"W+ baseline", "+ progressive", "+ offset regularisation", "+ latent discriminator",
                                             "L2 down, perceptual up", "L2 up, perceptual down"};
    EncTrainOpts o = *base;
    if (k < 1) o.progressive_every = 0;
    if (k < 2) o.delta_reg = 0;
    if (k < 3) o.adv = 0;
    if (k == 4) { o.l2 = base->l2 * 0.5f; o.perceptual = base->perceptual * 2.0f; }
    if (k == 5) { o.l2 = base->l2 * 2.0f; o.perceptual = base->perceptual * 0.5f; }
    if (what) *what = names[k];
    return o;
}

AblationScore ablation_score(GanModel *m, const Encoder *e, const LatentDisc *ld, int active, const float *x, int n) {
    const EncSpec *s = &e->s;
    const size_t cn = (size_t)s->num_ws * s->w_dim;
    float *codes = mg_xmalloc((size_t)n * cn * sizeof(float)), *l2 = mg_xmalloc(sizeof(float) * n), *pc = mg_xmalloc(sizeof(float) * n);
    enc_encode(m, e, x, n, active, codes, NULL, NULL, l2, pc);
    AblationScore r = {0, 0, 0, NAN};
    for (int i = 0; i < n; i++) {
        r.l2 += l2[i] / n;
        r.perc += pc[i] / n;
        for (int j = 1; j <= active; j++) {
            double q = 0;
            for (int d = 0; d < s->w_dim; d++) q += pow(codes[i * cn + (size_t)j * s->w_dim + d] - codes[i * cn + d], 2);
            r.dreg += sqrt(q) / n;
        }
    }
    if (ld && ld->ps) {
        int old = mg_set_grad_enabled(0);
        mg_step_reset();
        double a = 0;
        for (int j = 0; j <= active; j++) {
            Tensor *w = tensor_new(TSHAPE(n, s->w_dim));
            for (int i = 0; i < n; i++) memcpy(w->data + (size_t)i * s->w_dim, codes + i * cn + (size_t)j * s->w_dim, sizeof(float) * s->w_dim);
            Tensor *sp = mg_mean_all(mg_softplus(mg_neg(latent_disc(ld, w))));
            a += tensor_item(sp);
        }
        r.adv = a / (active + 1);
        mg_step_reset();
        mg_set_grad_enabled(old);
    }
    free(codes);
    free(l2);
    free(pc);
    return r;
}
