/* Exact flips and quarter turns; seeded epoch permutations and per-sample augmentation. */
#include "data/augment.h"
#include "core/error.h"
#include "core/rng.h"
#include <stdlib.h>
#include <string.h>

#define AUG_KEY 0x9E3779B97F4A7C15ull

void aug_flip_x(int c, int h, int w, const float *src, float *dst) {
    for (long r = 0; r < (long)c * h; r++)
        for (int x = 0; x < w; x++) dst[r * w + x] = src[r * w + (w - 1 - x)];
}

void aug_rot90(int c, int s, int k, const float *src, float *dst) {
    k &= 3;
    size_t ss = (size_t)s * s;
    for (int ch = 0; ch < c; ch++) {
        const float *a = src + ch * ss;
        float *d = dst + ch * ss;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++) {
                float v;
                if (k == 0) v = a[(size_t)y * s + x];
                else if (k == 1) v = a[(size_t)x * s + (s - 1 - y)];
                else if (k == 2) v = a[(size_t)(s - 1 - y) * s + (s - 1 - x)];
                else v = a[(size_t)(s - 1 - x) * s + y];
                d[(size_t)y * s + x] = v;
            }
    }
}

static void make_perm(Batcher *b) {
    Rng r = {.seed = b->seed, .counter = (uint64_t)b->epoch << 32};
    rng_permutation(&r, b->perm, b->n);
}

int batcher_init(Batcher *b, const Dataset *ds, const int *idx, int n, unsigned aug, uint64_t seed) {
    memset(b, 0, sizeof *b);
    if (n <= 0) return mg_error_set("no images to draw batches from");
    if ((aug & AUG_ROT90) && ds->h != ds->w) return mg_error_set("rotation augmentation needs square images, not %dx%d", ds->w, ds->h);
    b->perm = malloc(sizeof(int) * n);
    if (!b->perm) return mg_error_set("out of memory");
    b->ds = ds; b->idx = idx; b->n = n; b->aug = aug; b->seed = seed;
    make_perm(b);
    return 0;
}

void batcher_seek(Batcher *b, long epoch, long pos) {
    b->epoch = epoch + pos / b->n;
    b->pos = pos % b->n;
    make_perm(b);
}

void batcher_next(Batcher *b, int bs, float *x, int *y) {
    const Dataset *ds = b->ds;
    size_t per = (size_t)ds->c * ds->h * ds->w;
    float *tmp = malloc(sizeof(float) * per);
    MG_CHECK(tmp, "out of memory");
    for (int i = 0; i < bs; i++) {
        if (b->pos == b->n) { b->epoch++; b->pos = 0; make_perm(b); }
        int j = b->idx[b->perm[b->pos]];
        uint32_t r[4];
        philox4x32(b->seed ^ AUG_KEY, (uint64_t)b->epoch, (uint64_t)b->pos, r);
        b->pos++;
        const float *src = ds->x + (size_t)j * per;
        float *dst = x + (size_t)i * per;
        int flip = (b->aug & AUG_FLIP_X) && (r[0] & 1), rot = (b->aug & AUG_ROT90) ? (int)(r[1] & 3) : 0;
        if (flip && rot) { aug_flip_x(ds->c, ds->h, ds->w, src, tmp); aug_rot90(ds->c, ds->h, rot, tmp, dst); }
        else if (flip) aug_flip_x(ds->c, ds->h, ds->w, src, dst);
        else if (rot) aug_rot90(ds->c, ds->h, rot, src, dst);
        else memcpy(dst, src, sizeof(float) * per);
        if (y) y[i] = ds->label[j];
    }
    free(tmp);
}

void batcher_free(Batcher *b) { free(b->perm); memset(b, 0, sizeof *b); }
