/* Optimizers over a ParamStore (state lives in the store's m/v sections), and an EMA of parameters. */
#ifndef MG_OPTIM_H
#define MG_OPTIM_H
#include "optim/params.h"

typedef struct Adam {
    float lr, beta1, beta2, eps, weight_decay;   /* weight_decay: L2 added to the gradient (PyTorch Adam) */
    long step;                                   /* number of steps taken; part of the training state */
} Adam;

Adam adam_default(float lr, float beta1, float beta2);   /* eps 1e-8, no weight decay */
void adam_step(Adam *opt, ParamStore *ps);

typedef struct Sgd {
    float lr, momentum, weight_decay;            /* momentum buffer: the store's m section */
    long step;
} Sgd;
void sgd_step(Sgd *opt, ParamStore *ps);

/* shadow = decay * shadow + (1 - decay) * values; shadow has ps->total floats. */
typedef struct Ema {
    float decay;
    float *shadow;
} Ema;
Ema ema_new(const ParamStore *ps, float decay);  /* shadow starts as a copy of the values */
void ema_update(Ema *e, const ParamStore *ps);
void ema_free(Ema *e);
#endif
