/* Image preparation for training (the diatom study's pipeline): channel conversion, a black-pixel
 * quality measure, padding to a square and resizing.  Float images here are planar, [c, h, w]
 * (plane k = channel k, row-major), in the 0..255 scale until prep_to_unit maps them to [-1, 1]. */
#ifndef MG_PREP_H
#define MG_PREP_H
#include "io/image.h"

typedef enum { PAD_MEAN = 0, PAD_BLACK, PAD_WHITE } PadMode;

typedef struct PrepOpts {
    int size;            /* output side (square); 0 = the padded image's own side, max(w, h) */
    int channels;        /* 1 = grey (Rec. 601 luminance of RGB), 3 = RGB (grey replicated) */
    PadMode pad;         /* fill colour of the padding: the image's per-channel mean, 0 or 255 */
    float max_black;     /* reject when the fraction of black pixels exceeds this; >= 1 keeps all */
    int black_level;     /* a pixel is black when its luminance (0..255) is <= black_level */
    int align;           /* 1: canonical pose of the valve after resizing (morpho/align.h); an image whose
                          * valve cannot be measured is rejected */
} PrepOpts;

PrepOpts prep_defaults(void);           /* 64, grey, mean padding, max_black 0.2, black_level 10 */

/* 8-bit interleaved Image -> planar [channels, h, w] floats in 0..255. */
void prep_to_planes(const Image *img, int channels, float *planes);
/* Fraction of pixels whose luminance (0.299 R + 0.587 G + 0.114 B, or the grey value) <= level. */
double prep_black_fraction(const Image *img, int level);
/* [c, h, w] -> [c, s, s] with s = max(h, w); the image is centred (offsets (s-h)/2, (s-w)/2) and the
 * rest filled with the per-channel mean (PAD_MEAN), 0 or 255. */
void prep_pad_square(int c, int h, int w, const float *in, PadMode mode, float *out);
/* [c, h, w] -> [c, oh, ow], separably per axis: area averaging when the axis shrinks (each output
 * pixel = the mean of the input area it covers, fractional pixels weighted by their overlap),
 * bilinear with half-pixel centres when it grows (align_corners = False), a copy when equal.
 * Returns 0, or -1 when out of memory. */
int prep_resize(int c, int h, int w, const float *in, int oh, int ow, float *out);
/* in place: v -> v / 127.5 - 1 (0..255 -> [-1, 1]) */
void prep_to_unit(float *x, long n);

/* The whole pipeline on one decoded image: black fraction (on the image as read) -> planes ->
 * pad -> resize -> [align] -> [-1, 1].  out holds [channels, S, S], S = o->size or max(w, h).
 * Returns 0 (kept), 1 (rejected: reason gets a short text, e.g. "black fraction 0.31 > 0.20"),
 * or -1 (out of memory). */
int prep_image(const Image *img, const PrepOpts *o, float *out, char *reason, int reason_n);
#endif
