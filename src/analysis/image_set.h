/* The image sets the metrics compare: n images of one size [n,c,h,w] with values in [-1,1], read from an
 * IDX file (plain or .gz; grey, any size) or a folder of PNG / JPEG / TIFF files (sorted by name; every
 * file of the folder must have the same size; c = 3 when any of them is RGB, grey ones then replicated,
 * else c = 1).  Or wrapped around images already in memory (generated ones during training). */
#ifndef MG_IMAGE_SET_H
#define MG_IMAGE_SET_H
#include "core/rng.h"

typedef struct ImageSet {
    long n;
    int c, h, w;        /* channels (1 grey, 3 RGB), height, width */
    float *data;        /* [n,c,h,w] in [-1,1] */
    char **names;       /* folders: "folder/file" of each image, for messages; NULL otherwise */
    int owned;          /* data and names are freed by image_set_free */
} ImageSet;

/* Images skip .. skip+max-1 of the source (all after skip when max <= 0).  0, or -1 + mg_error naming the file
 * and what is wrong. */
int image_set_load(const char *path, long skip, long max, ImageSet *out);
/* a view of n images [n,c,h,w] in [-1,1] held by the caller (not freed by image_set_free) */
ImageSet image_set_wrap(float *data, long n, int c, int h, int w);
void image_set_free(ImageSet *s);
/* Applies one random permutation of the h*w pixel positions (drawn from seed) to every image and channel. */
void image_set_shuffle_pixels(ImageSet *s, uint64_t seed);
/* Image i as luminance in [-1,1] into out[h*w] (Rec. 601 weights for RGB, as io/image.h). */
void image_set_gray(const ImageSet *s, long i, float *out);
/* "folder/name.png" for folders, "image <i>" otherwise (a static rotating buffer) */
const char *image_set_name(const ImageSet *s, long i);
#endif
