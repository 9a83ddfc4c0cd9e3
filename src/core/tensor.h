/* Tensors: float32, 0 to 4 dimensions (NCHW order for images), element strides.
 *
 * Storage: a tensor never owns its data.  Activations and gradients of a step live in the
 * current arena (tensor_set_arena; reset between steps); parameters live in a ParamStore
 * (optim/params.h), one flat allocation per model.  `dev` tells which backend's memory `data`
 * points to; only kernels dereference it (core/device.h).
 *
 * Autodiff fields: `node` is the graph node that produced the tensor (NULL for leaves);
 * `requires_grad` marks tensors whose gradient is wanted (parameters, inputs under study) and
 * everything computed from them while recording; `grad` is the persistent gradient buffer of a
 * parameter (same shape, contiguous), where mg_backward() accumulates. */
#ifndef MG_TENSOR_H
#define MG_TENSOR_H
#include <stddef.h>
#include "core/arena.h"
#include "core/device.h"

#define MG_MAXDIM 4

typedef struct Node Node;

typedef struct Tensor {
    int ndim;
    int shape[MG_MAXDIM];
    int stride[MG_MAXDIM];      /* in elements; 0 for a broadcast dimension */
    float *data;
    MgDevice dev;
    int requires_grad;
    Node *node;                 /* producer in the autodiff graph, NULL for a leaf */
    float *grad;                /* parameters only: persistent gradient (contiguous, same shape) */
    struct Tensor *gacc;        /* scratch of mg_grad: gradient accumulated during one pass */
    int mark;                   /* scratch of mg_grad */
    const char *name;           /* optional, for messages and checkpoints */
} Tensor;

/* --- the arena new tensors come from --- */
void tensor_set_arena(Arena *a);
Arena *tensor_arena(void);      /* creates a default 64 MiB-chunk arena on first use */

/* --- creation (in the current arena, on the CPU) --- */
Tensor *tensor_new(int ndim, const int *shape);                 /* uninitialised, contiguous */
Tensor *tensor_zeros(int ndim, const int *shape);
Tensor *tensor_full(int ndim, const int *shape, float v);
Tensor *tensor_scalar(float v);                                  /* ndim 0 */
Tensor *tensor_from(int ndim, const int *shape, const float *src);  /* copy of src */
Tensor *tensor_wrap(int ndim, const int *shape, float *data);    /* view of foreign memory */
/* fills a caller-owned header (weights that outlive the arena): contiguous view of data, host memory, no autodiff */
void tensor_init_header(Tensor *t, int ndim, const int *shape, float *data);
Tensor *tensor_view_header(const Tensor *t);                     /* header copy, same data, no graph */
#define TSHAPE(...) (sizeof((int[]){__VA_ARGS__}) / sizeof(int)), ((int[]){__VA_ARGS__})

/* --- queries --- */
size_t tensor_numel(const Tensor *t);
int tensor_is_contiguous(const Tensor *t);
int tensor_same_shape(const Tensor *a, const Tensor *b);
void tensor_contiguous_strides(int ndim, const int *shape, int *stride);
const char *tensor_shape_str(const Tensor *t);  /* "[128,1,28,28]" in a rotating static buffer */
float tensor_item(const Tensor *t);             /* value of a one-element tensor */
float tensor_get(const Tensor *t, const int *idx);
#endif
