#include "optim/params.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

ParamStore *params_new(void) { return mg_xcalloc(1, sizeof(ParamStore)); }

Tensor *params_add(ParamStore *ps, const char *name, int ndim, const int *shape) {
    MG_CHECK(!ps->mem, "params_add(%s) after params_finalize", name);
    MG_CHECK(strlen(name) < MG_PARAM_NAME, "parameter name too long: %s", name);
    MG_CHECK(!params_find(ps, name), "duplicate parameter name %s", name);
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 32;
        ps->p = realloc(ps->p, ps->cap * sizeof *ps->p);
        if (!ps->p) mg_fatal("out of memory");
    }
    Param *p = mg_xcalloc(1, sizeof *p);
    strcpy(p->name, name);
    p->t.ndim = ndim;
    for (int i = 0; i < ndim; i++) p->t.shape[i] = shape[i];
    tensor_contiguous_strides(ndim, p->t.shape, p->t.stride);
    p->t.requires_grad = 1;
    p->t.dev = MG_CPU;
    p->t.name = p->name;
    p->offset = ps->total;
    size_t n = tensor_numel(&p->t);
    ps->total += (n + 15) & ~(size_t)15;   /* keep every tensor 64-byte aligned */
    ps->p[ps->n++] = p;
    return &p->t;
}

void params_finalize(ParamStore *ps) {
    MG_CHECK(!ps->mem, "params_finalize called twice");
    size_t bytes = 4 * ps->total * sizeof(float);
    ps->mem = device_alloc(MG_CPU, bytes);
    memset(ps->mem, 0, bytes);
    ps->values = ps->mem;
    ps->grads = ps->mem + ps->total;
    ps->m = ps->mem + 2 * ps->total;
    ps->v = ps->mem + 3 * ps->total;
    for (int i = 0; i < ps->n; i++) {
        ps->p[i]->t.data = ps->values + ps->p[i]->offset;
        ps->p[i]->t.grad = ps->grads + ps->p[i]->offset;
    }
}

Param *params_find(const ParamStore *ps, const char *name) {
    for (int i = 0; i < ps->n; i++)
        if (!strcmp(ps->p[i]->name, name)) return ps->p[i];
    return NULL;
}

void params_zero_grad(ParamStore *ps) { memset(ps->grads, 0, ps->total * sizeof(float)); }

void params_set_requires_grad(ParamStore *ps, int on) {
    for (int i = 0; i < ps->n; i++) ps->p[i]->t.requires_grad = on;
}

void params_free(ParamStore *ps) {
    if (!ps) return;
    for (int i = 0; i < ps->n; i++) free(ps->p[i]);
    free(ps->p);
    if (ps->mem) device_free(MG_CPU, ps->mem);
    free(ps);
}
