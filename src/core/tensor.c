#include "core/tensor.h"
#include "core/error.h"
#include <stdio.h>
#include <string.h>

static Arena *cur_arena;

void tensor_set_arena(Arena *a) { cur_arena = a; }

Arena *tensor_arena(void) {
    if (!cur_arena) cur_arena = arena_new(64u << 20);
    return cur_arena;
}

void tensor_contiguous_strides(int ndim, const int *shape, int *stride) {
    int s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        stride[i] = s;
        s *= shape[i];
    }
}

static Tensor *header(int ndim, const int *shape) {
    MG_CHECK(ndim >= 0 && ndim <= MG_MAXDIM, "tensor with %d dimensions (at most %d)", ndim, MG_MAXDIM);
    Tensor *t = arena_alloc(tensor_arena(), sizeof *t);
    memset(t, 0, sizeof *t);
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        MG_CHECK(shape[i] >= 0, "negative dimension %d", shape[i]);
        t->shape[i] = shape[i];
    }
    tensor_contiguous_strides(ndim, t->shape, t->stride);
    t->dev = MG_CPU;
    return t;
}

Tensor *tensor_new(int ndim, const int *shape) {
    Tensor *t = header(ndim, shape);
    t->data = arena_alloc(tensor_arena(), tensor_numel(t) * sizeof(float));
    return t;
}

Tensor *tensor_zeros(int ndim, const int *shape) {
    Tensor *t = tensor_new(ndim, shape);
    memset(t->data, 0, tensor_numel(t) * sizeof(float));
    return t;
}

Tensor *tensor_full(int ndim, const int *shape, float v) {
    Tensor *t = tensor_new(ndim, shape);
    size_t n = tensor_numel(t);
    for (size_t i = 0; i < n; i++) t->data[i] = v;
    return t;
}

Tensor *tensor_scalar(float v) { return tensor_full(0, NULL, v); }

Tensor *tensor_from(int ndim, const int *shape, const float *src) {
    Tensor *t = tensor_new(ndim, shape);
    memcpy(t->data, src, tensor_numel(t) * sizeof(float));
    return t;
}

Tensor *tensor_wrap(int ndim, const int *shape, float *data) {
    Tensor *t = header(ndim, shape);
    t->data = data;
    return t;
}

void tensor_init_header(Tensor *t, int ndim, const int *shape, float *data) {
    memset(t, 0, sizeof *t);
    t->ndim = ndim;
    memcpy(t->shape, shape, (size_t)ndim * sizeof(int));
    tensor_contiguous_strides(ndim, shape, t->stride);
    t->data = data;
    t->dev = MG_CPU;
}

Tensor *tensor_view_header(const Tensor *src) {
    Tensor *t = arena_alloc(tensor_arena(), sizeof *t);
    *t = *src;
    t->node = NULL;
    t->requires_grad = 0;
    t->grad = NULL;
    t->gacc = NULL;
    t->mark = 0;
    return t;
}

size_t tensor_numel(const Tensor *t) {
    size_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= (size_t)t->shape[i];
    return n;
}

int tensor_is_contiguous(const Tensor *t) {
    int s = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] != 1 && t->stride[i] != s) return 0;
        s *= t->shape[i];
    }
    return 1;
}

int tensor_same_shape(const Tensor *a, const Tensor *b) {
    if (a->ndim != b->ndim) return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

const char *tensor_shape_str(const Tensor *t) {
    static _Thread_local char buf[4][64];
    static _Thread_local int k;
    char *b = buf[k++ & 3];
    int n = snprintf(b, 64, "[");
    for (int i = 0; i < t->ndim; i++) n += snprintf(b + n, 64 - n, i ? ",%d" : "%d", t->shape[i]);
    snprintf(b + n, 64 - n, "]");
    return b;
}

float tensor_get(const Tensor *t, const int *idx) {
    MG_CHECK(t->dev == MG_CPU, "tensor_get on a device tensor");
    size_t off = 0;
    for (int i = 0; i < t->ndim; i++) off += (size_t)idx[i] * t->stride[i];
    return t->data[off];
}

float tensor_item(const Tensor *t) {
    MG_CHECK(tensor_numel(t) == 1, "item() of a tensor of shape %s", tensor_shape_str(t));
    MG_CHECK(t->dev == MG_CPU, "item() on a device tensor");
    return t->data[0];
}
