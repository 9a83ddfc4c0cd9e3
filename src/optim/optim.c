#include "optim/optim.h"
#include "core/device.h"
#include <math.h>
#include <string.h>

Adam adam_default(float lr, float beta1, float beta2) {
    return (Adam){.lr = lr, .beta1 = beta1, .beta2 = beta2, .eps = 1e-8f, .weight_decay = 0, .step = 0};
}

/* Same arithmetic as torch.optim.Adam (non-amsgrad, non-fused):
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
void adam_step(Adam *o, ParamStore *ps) {
    o->step++;
    const float b1 = o->beta1, b2 = o->beta2, wd = o->weight_decay, eps = o->eps;
    const float bc1 = 1.0f - powf(b1, (float)o->step);
    const float bc2s = sqrtf(1.0f - powf(b2, (float)o->step));
    const float step = o->lr / bc1;
    float *p = ps->values, *g = ps->grads, *m = ps->m, *v = ps->v;
    const long n = (long)ps->total;
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) {
        float gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= step * m[i] / (sqrtf(v[i]) / bc2s + eps);
    }
}

/* torch.optim.SGD: buf = momentum * buf + g (buf = g at the first step); p -= lr * buf */
void sgd_step(Sgd *o, ParamStore *ps) {
    const float mu = o->momentum, wd = o->weight_decay, lr = o->lr;
    const int first = o->step == 0;
    o->step++;
    float *p = ps->values, *g = ps->grads, *m = ps->m;
    const long n = (long)ps->total;
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) {
        float gi = g[i] + wd * p[i];
        if (mu != 0) {
            m[i] = first ? gi : mu * m[i] + gi;
            gi = m[i];
        }
        p[i] -= lr * gi;
    }
}

Ema ema_new(const ParamStore *ps, float decay) {
    Ema e = {.decay = decay, .shadow = device_alloc(MG_CPU, ps->total * sizeof(float))};
    memcpy(e.shadow, ps->values, ps->total * sizeof(float));
    return e;
}

void ema_update(Ema *e, const ParamStore *ps) {
    const float d = e->decay;
    const long n = (long)ps->total;
    float *s = e->shadow;
    const float *p = ps->values;
#pragma omp parallel for simd schedule(static)
    for (long i = 0; i < n; i++) s[i] = d * s[i] + (1 - d) * p[i];
}

void ema_free(Ema *e) {
    device_free(MG_CPU, e->shadow);
    e->shadow = NULL;
}
