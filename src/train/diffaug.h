/* Differentiable augmentation of the images D sees (DiffAugment / ADA, for small datasets).
 *
 * Applied to both the real and the generated batch before D, through ops, so gradients flow back
 * to G (and, for R1, to the real images and again to D's weights).  Each transform enabled in
 * `ops` is applied to each sample independently with probability p (ADA's convention), in this
 * order (docs/augment.md):
 *   brightness   x + b,                      b ~ N(0, brightness_sd^2)
 *   saturation   m_c + (x - m_c) s,          s = 2^N(0, saturation_sd^2), m_c = mean over channels
 *                                            at each pixel (identity for one channel)
 *   contrast     m + (x - m) c,              c = 2^N(0, contrast_sd^2), m = mean of the sample
 *   xflip        mirror left-right with probability 1/2 (so p/2 in all)
 *   rot90        k quarter turns counter-clockwise, k uniform in {0,1,2,3} (square images only)
 *   translate    integer shift (dy, dx), each uniform in {-s..s}, s = round(translate * size),
 *                zero fill
 *   cutout       zero a round(cutout*H) x round(cutout*W) rectangle centred on a uniform pixel
 * The three colour transforms commute and are applied as one per-sample affine map of x, its channel
 * mean and its mean (diffaug.c); flip, turn, shift and cutout are one mg_gather_pixels (the cut
 * pixels read nothing).  A sample whose draws leave it untouched comes out bitwise unchanged.
 *
 * Random draws: with p == 0 or ops == 0 nothing is drawn and x itself is returned.  Otherwise
 * exactly N * DA_WORDS_PER_SAMPLE words are consumed from rng: sample n's values are the words
 * rng->counter + n * DA_WORDS_PER_SAMPLE + slot (slots in diffaug.c), whatever the ops and p, so
 * the same Rng state gives the same augmentation and the counter after the call depends only on
 * N and on whether p > 0. */
#ifndef MG_DIFFAUG_H
#define MG_DIFFAUG_H
#include "core/rng.h"
#include "core/tensor.h"

enum {
    DA_XFLIP = 1, DA_ROT90 = 2, DA_TRANSLATE = 4, DA_CUTOUT = 8,
    DA_BRIGHTNESS = 16, DA_SATURATION = 32, DA_CONTRAST = 64,
    DA_COLOR = DA_BRIGHTNESS | DA_SATURATION | DA_CONTRAST,
    DA_DEFAULT = DA_TRANSLATE | DA_CUTOUT | DA_COLOR      /* no flips / rotations unless asked for */
};
#define DA_WORDS_PER_SAMPLE 20

typedef struct DiffAug {
    float p;                  /* probability of each transform per sample, in [0, 1] */
    unsigned ops;             /* DA_* bits */
    float translate;          /* largest shift as a fraction of the size (0.125) */
    float cutout;             /* side of the cut rectangle as a fraction of the size (0.5) */
    float brightness_sd;      /* 0.2 */
    float contrast_sd;        /* 0.5 (log2 units) */
    float saturation_sd;      /* 1.0 (log2 units) */
} DiffAug;

/* The drawn parameters of one sample (identity: 0, 0, 0, 0, 0, 1, 1, empty cut). */
typedef struct DiffAugSample {
    int xflip;                /* 0 or 1 */
    int rot90;                /* quarter turns counter-clockwise, 0..3 */
    int dy, dx;               /* out(y, x) = in(y - dy, x - dx), zero outside */
    float brightness;         /* added */
    float saturation;         /* factor */
    float contrast;           /* factor */
    int cut_y0, cut_y1, cut_x0, cut_x1;   /* zeroed rows [y0, y1) x columns [x0, x1), clipped */
} DiffAugSample;

/* The reference defaults (StyleGAN2-ADA's strengths), p = 0, ops = DA_DEFAULT. */
DiffAug diffaug_defaults(void);
/* 0, or -1 + mg_error naming what is wrong with the settings for [C,H,W] images
 * (p outside [0,1], negative strengths, rot90 on non-square images). */
int diffaug_check(const DiffAug *a, int C, int H, int W);
/* "translate,cutout,color" -> DA_* bits ("none" = 0; names: xflip rot90 translate cutout brightness
 * saturation contrast color).  0, or -1 + mg_error naming the unknown word. */
int diffaug_parse_ops(const char *list, unsigned *ops);

/* Draws the parameters of N samples of [H,W] images (see the header comment for the words used). */
void diffaug_draw(const DiffAug *a, int N, int H, int W, Rng *rng, DiffAugSample *out);
/* x [N,C,H,W] -> [N,C,H,W] with the given per-sample parameters, through ops. */
Tensor *diffaug_apply_samples(Tensor *x, const DiffAugSample *s);
/* draw + apply; x itself when p == 0 or no op is enabled (nothing drawn). */
Tensor *diffaug_apply(const DiffAug *a, Tensor *x, Rng *rng);
#endif
