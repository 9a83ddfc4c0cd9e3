/* Parameters of one model in one flat allocation.
 *
 * mem = [ values | grads | adam m | adam v ], each `total` floats; every parameter tensor's data
 * and grad point into it.  An optimizer steps a whole store (a GAN has two stores, G and D, and two
 * optimizers stepping alternately).  Parameters are added first (params_add returns a stable
 * Tensor*), then params_finalize() allocates the block and carves the pointers. */
#ifndef MG_PARAMS_H
#define MG_PARAMS_H
#include "core/tensor.h"

#define MG_PARAM_NAME 64

typedef struct Param {
    char name[MG_PARAM_NAME];
    Tensor t;                   /* t.data -> values, t.grad -> grads; t.requires_grad = 1 */
    size_t offset;              /* in floats, into each section */
} Param;

typedef struct ParamStore {
    int n, cap;
    Param **p;
    size_t total;               /* floats per section */
    float *mem;                 /* 4 * total floats, NULL before finalize */
    float *values, *grads, *m, *v;
} ParamStore;

ParamStore *params_new(void);
Tensor *params_add(ParamStore *ps, const char *name, int ndim, const int *shape);
void params_finalize(ParamStore *ps);           /* values, grads and moments start at zero */
Param *params_find(const ParamStore *ps, const char *name);
void params_zero_grad(ParamStore *ps);
void params_set_requires_grad(ParamStore *ps, int on);   /* freeze / unfreeze (e.g. D during the G step) */
void params_free(ParamStore *ps);
#endif
