/* The image sets the metrics command compares: 28x28 grayscale images [n,1,28,28] in [-1,1], read from
 * an IDX file (plain or .gz) or a folder of PNG files (sorted by name, each 28x28, grey or RGB -> luminance). */
#ifndef MG_IMAGE_SET_H
#define MG_IMAGE_SET_H
#include "core/rng.h"

typedef struct ImageSet {
    long n;
    float *data;        /* [n,1,28,28] */
} ImageSet;

/* Images skip .. skip+max-1 of the source (all after skip when max <= 0).  0, or -1 + mg_error. */
int image_set_load(const char *path, long skip, long max, ImageSet *out);
void image_set_free(ImageSet *s);
/* Applies one random permutation of the 784 pixel positions (drawn from seed) to every image. */
void image_set_shuffle_pixels(ImageSet *s, uint64_t seed);
#endif
