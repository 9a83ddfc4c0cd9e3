#include "train/batches.h"
#include "core/error.h"
#include "core/rng.h"
#include <stdlib.h>
#include <string.h>

void batches_init(Batches *b, const float *data, const int *labels, int n, int dim, int batch, unsigned long long seed) {
    MG_CHECK(n >= batch && batch > 0, "batches_init: %d images for batches of %d", n, batch);
    *b = (Batches){.data = data, .n = n, .dim = dim, .batch = batch, .seed = seed, .perm_epoch = -1,
                   .perm = mg_xmalloc((size_t)n * sizeof(int)), .buf = mg_xmalloc((size_t)batch * dim * sizeof(float)),
                   .labels = labels, .lbuf = mg_xmalloc((size_t)batch * sizeof(int))};
}

void batches_free(Batches *b) {
    free(b->perm);
    free(b->buf);
    free(b->lbuf);
    b->lbuf = NULL;
    b->perm = NULL;
    b->buf = NULL;
}

const float *batches_get(void *ctx, long index, const int **labels) {
    Batches *b = ctx;
    const long per_epoch = b->n / b->batch, epoch = index / per_epoch;
    if (epoch != b->perm_epoch) {
        Rng r = rng_new(b->seed * 1000003ull + (unsigned long long)epoch);
        rng_permutation(&r, b->perm, b->n);
        b->perm_epoch = epoch;
    }
    const int *p = b->perm + (index % per_epoch) * b->batch;
    for (int i = 0; i < b->batch; i++) {
        memcpy(b->buf + (size_t)i * b->dim, b->data + (size_t)p[i] * b->dim, (size_t)b->dim * sizeof(float));
        b->lbuf[i] = b->labels ? b->labels[p[i]] : -1;
    }
    if (labels) *labels = b->labels ? b->lbuf : NULL;
    return b->buf;
}
