/* The MLP classifier on the engine's ops (see classifier.h):
 *   z [B,d] -> Linear(d,h1) ReLU Dropout -> Linear(h1,h2) ReLU Dropout -> Linear(h2,1) = logit [B,1]
 * loss = sum_i c_i (softplus(l_i) - y_i l_i) / sum_i c_i  (class-weighted binary cross-entropy). */
#include "analysis/classifier.h"
#include "core/error.h"
#include "ops/ops.h"
#include "optim/optim.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Mlp {
    ParamStore *ps;
    Tensor *w[3], *b[3];        /* [h1,d] [h1], [h2,h1] [h2], [1,h2] [1] */
    int d, h1, h2;
    float dropout;
};

static Mlp *mlp_new(int d, int h1, int h2, float dropout, Rng *rng) {
    Mlp *m = mg_xcalloc(1, sizeof *m);
    m->d = d; m->h1 = h1; m->h2 = h2; m->dropout = dropout;
    m->ps = params_new();
    int in[3] = {d, h1, h2}, out[3] = {h1, h2, 1};
    for (int l = 0; l < 3; l++) {
        char name[32];
        snprintf(name, sizeof name, "%d.weight", 2 * l);
        m->w[l] = params_add(m->ps, name, 2, (int[]){out[l], in[l]});
        snprintf(name, sizeof name, "%d.bias", 2 * l);
        m->b[l] = params_add(m->ps, name, 1, (int[]){out[l]});
    }
    params_finalize(m->ps);
    for (int l = 0; l < 3; l++) {               /* PyTorch's nn.Linear default: U(+-1/sqrt(fan_in)) */
        float bound = 1.0f / sqrtf((float)in[l]);
        rng_uniform(rng, m->w[l]->data, tensor_numel(m->w[l]), -bound, bound);
        rng_uniform(rng, m->b[l]->data, tensor_numel(m->b[l]), -bound, bound);
    }
    return m;
}

void mlp_free(Mlp *m) {
    if (!m) return;
    params_free(m->ps);
    free(m);
}

static Tensor *forward(const Mlp *m, Tensor *x, Rng *rng, int training) {
    Tensor *h = mg_dropout(mg_relu(mg_linear(x, m->w[0], m->b[0])), m->dropout, rng, training);
    h = mg_dropout(mg_relu(mg_linear(h, m->w[1], m->b[1])), m->dropout, rng, training);
    return mg_linear(h, m->w[2], m->b[2]);                       /* [B,1] */
}

/* weighted BCE of logits [B,1] against y, weights c (host arrays of B) */
static Tensor *weighted_bce(Tensor *logit, const float *y, const float *c, int B) {
    double sw = 0;
    for (int i = 0; i < B; i++) sw += c[i];
    Tensor *t = tensor_from(TSHAPE(B, 1), y), *cw = tensor_from(TSHAPE(B, 1), c);
    Tensor *l = mg_mul(cw, mg_sub(mg_softplus(logit), mg_mul(logit, t)));
    return mg_affine(mg_sum_all(l), (float)(1.0 / sw), 0.f);
}

/* mean weighted loss of rows idx[n] of z, no graph */
static double eval_loss(const Mlp *m, const float *z, const int *idx, int n, const float *yf, const float *cf) {
    int old = mg_set_grad_enabled(0);
    double num = 0, den = 0;
    const int B = 1024;
    float *xb = mg_xmalloc((size_t)B * m->d * sizeof(float));
    for (int i0 = 0; i0 < n; i0 += B) {
        int nb = n - i0 < B ? n - i0 : B;
        for (int b = 0; b < nb; b++) memcpy(xb + (size_t)b * m->d, z + (size_t)idx[i0 + b] * m->d, m->d * sizeof(float));
        mg_step_reset();
        Tensor *lg = forward(m, tensor_wrap(TSHAPE(nb, m->d), xb), NULL, 0);
        for (int b = 0; b < nb; b++) {
            double v = lg->data[b], y = yf[idx[i0 + b]], c = cf[idx[i0 + b]];
            double sp = v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
            num += c * (sp - y * v);
            den += c;
        }
    }
    mg_step_reset();
    free(xb);
    mg_set_grad_enabled(old);
    return den > 0 ? num / den : 0;
}

void mlp_decision(const Mlp *m, const float *z, int n, double *score) {
    int old = mg_set_grad_enabled(0);
    const int B = 1024;
    for (int i0 = 0; i0 < n; i0 += B) {
        int nb = n - i0 < B ? n - i0 : B;
        mg_step_reset();
        Tensor *lg = forward(m, tensor_wrap(TSHAPE(nb, m->d), (float *)z + (size_t)i0 * m->d), NULL, 0);
        for (int b = 0; b < nb; b++) score[i0 + b] = lg->data[b];
    }
    mg_step_reset();
    mg_set_grad_enabled(old);
}

/* z [n, d] standardised; stratified inner split; Adam; early stopping; best weights kept */
int mlp_fit(const ClassifierOptions *o, const float *z, int n, int d, const int *y, const double cw[2], Classifier *c) {
    if (o->hidden1 < 1 || o->hidden2 < 1 || o->batch < 1 || o->max_epochs < 1 || o->patience < 1 ||
        !(o->dropout >= 0 && o->dropout < 1) || !(o->lr > 0) || !(o->inner_val >= 0 && o->inner_val < 1))
        return mg_error_set("mlp: bad options (hidden sizes, batch, epochs, patience >= 1; 0 <= dropout < 1; lr > 0; "
                            "0 <= inner validation share < 1)");
    Rng rng = rng_new(o->seed);
    Mlp *m = mlp_new(d, o->hidden1, o->hidden2, o->dropout, &rng);
    /* inner validation: per class, a shuffled share inner_val of its rows (at least one when it has 2+) */
    int *perm = mg_xmalloc((size_t)n * sizeof(int)), *fit = mg_xmalloc((size_t)n * sizeof(int));
    int *held = mg_xmalloc((size_t)n * sizeof(int)), nfit = 0, nheld = 0;
    rng_permutation(&rng, perm, n);
    for (int cls = 0; cls < 2; cls++) {
        int nc = 0, taken = 0;
        for (int i = 0; i < n; i++) nc += y[i] == cls;
        int want = (int)lround(o->inner_val * nc);
        if (o->inner_val > 0 && want < 1 && nc >= 2) want = 1;
        for (int k = 0; k < n; k++) {
            int i = perm[k];
            if (y[i] != cls) continue;
            if (taken < want) { held[nheld++] = i; taken++; }
            else fit[nfit++] = i;
        }
    }
    float *yf = mg_xmalloc((size_t)n * sizeof(float)), *cf = mg_xmalloc((size_t)n * sizeof(float));
    for (int i = 0; i < n; i++) { yf[i] = (float)y[i]; cf[i] = (float)cw[y[i]]; }
    Adam opt = adam_default(o->lr, 0.9f, 0.999f);
    opt.weight_decay = o->weight_decay;
    int B = o->batch < nfit ? o->batch : nfit;
    float *xb = mg_xmalloc((size_t)B * d * sizeof(float)), *yb = mg_xmalloc((size_t)B * sizeof(float));
    float *cb = mg_xmalloc((size_t)B * sizeof(float)), *best = mg_xmalloc(m->ps->total * sizeof(float));
    memcpy(best, m->ps->values, m->ps->total * sizeof(float));
    double best_loss = INFINITY;
    int best_epoch = 0, since = 0, ep = 0;
    int *order = mg_xmalloc((size_t)nfit * sizeof(int));
    int old = mg_set_grad_enabled(1);
    for (ep = 1; ep <= o->max_epochs; ep++) {
        rng_permutation(&rng, order, nfit);
        for (int i0 = 0; i0 + B <= nfit; i0 += B) {           /* drops the last partial batch */
            for (int b = 0; b < B; b++) {
                int i = fit[order[i0 + b]];
                memcpy(xb + (size_t)b * d, z + (size_t)i * d, d * sizeof(float));
                yb[b] = yf[i];
                cb[b] = cf[i];
            }
            mg_step_reset();
            params_zero_grad(m->ps);
            Tensor *loss = weighted_bce(forward(m, tensor_wrap(TSHAPE(B, d), xb), &rng, 1), yb, cb, B);
            mg_backward(loss);
            adam_step(&opt, m->ps);
        }
        mg_step_reset();
        double vl = nheld ? eval_loss(m, z, held, nheld, yf, cf) : eval_loss(m, z, fit, nfit, yf, cf);
        if (!isfinite(vl)) break;
        if (vl < best_loss - 1e-7) {
            best_loss = vl;
            best_epoch = ep;
            since = 0;
            memcpy(best, m->ps->values, m->ps->total * sizeof(float));
        } else if (++since >= o->patience) break;
    }
    mg_set_grad_enabled(old);
    memcpy(m->ps->values, best, m->ps->total * sizeof(float));
    c->mlp = m;
    c->epochs = ep > o->max_epochs ? o->max_epochs : ep;
    c->best_epoch = best_epoch;
    free(perm); free(fit); free(held); free(yf); free(cf); free(xb); free(yb); free(cb); free(best); free(order);
    if (!isfinite(best_loss)) return mg_error_set("mlp: the loss is not finite from the first epoch (lower --lr?)");
    return 0;
}
