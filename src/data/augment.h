/* Augmentation and batch drawing.  Images are [c, h, w] planes (NCHW without N).
 *   aug_flip_x:  dst[k, y, x] = src[k, y, w-1-x]
 *   aug_rot90:   k quarter turns counter-clockwise of a square [c, s, s] image; one turn:
 *                dst[k, y, x] = src[k, x, s-1-y]   (the top row becomes the left column, reversed)
 * A Batcher walks a list of indices in epochs; each epoch is a fresh permutation, and each drawn
 * sample gets its own flip / rotation, all from Philox(seed): epoch e's permutation is the stream
 * (seed, counter e * 2^32); sample (e, p)'s augmentation is philox4x32(seed ^ AUG_KEY, e, p).
 * So the state to checkpoint is (epoch, pos) and a resumed batcher continues exactly. */
#ifndef MG_AUGMENT_H
#define MG_AUGMENT_H
#include "data/dataset.h"
#include <stdint.h>

enum { AUG_FLIP_X = 1, AUG_ROT90 = 2 };

void aug_flip_x(int c, int h, int w, const float *src, float *dst);         /* dst != src */
void aug_rot90(int c, int s, int k, const float *src, float *dst);          /* dst != src; k mod 4 */

typedef struct Batcher {
    const Dataset *ds;
    const int *idx;          /* [n] indices into ds (e.g. Split.train); not owned */
    int n;
    unsigned aug;            /* AUG_FLIP_X | AUG_ROT90 (rotation needs h == w) */
    uint64_t seed;
    long epoch, pos;         /* next sample: perm(epoch)[pos] */
    int *perm;               /* [n] current epoch's order (owned) */
} Batcher;

int batcher_init(Batcher *b, const Dataset *ds, const int *idx, int n, unsigned aug, uint64_t seed);
/* Jumps to (epoch, pos), e.g. from a checkpoint. */
void batcher_seek(Batcher *b, long epoch, long pos);
/* The next bs samples (crossing epochs as needed): x [bs, c, h, w], y [bs] labels (y may be NULL). */
void batcher_next(Batcher *b, int bs, float *x, int *y);
void batcher_free(Batcher *b);
#endif
