/* The feature spaces of the quality metrics (morphogan metrics --features):
 *   domain     the penultimate layer (128) of the domain network morphogan trains (models/feature_net.h);
 *              28x28 images, colour -> luminance; logits for the Inception Score
 *   inception  the 2048 pool features of Inception-v3 with converted weights (models/inception_v3.h); any
 *              size, grey replicated to 3 channels, resized to 299x299; logits for the Inception Score
 *   morpho     morphometrics of each image's valve outline (morpho/measure.h): MORPHO_FEATURES values, in
 *              unlike units, so feature_standardise() z-scores both sets by the real set's mean and standard
 *              deviation before a metric; images whose segmentation or measurement fails are left out and
 *              flagged.  No logits. */
#ifndef MG_FEATURE_SPACE_H
#define MG_FEATURE_SPACE_H
#include "analysis/image_set.h"
#include "models/feature_net.h"
#include "models/inception_v3.h"

enum { FEATURES_DOMAIN, FEATURES_INCEPTION, FEATURES_MORPHO };
extern const char *const feature_kind_names[];      /* "domain", "inception", "morpho", NULL */

/* the morphometric vector: the 9 scalar measures (morpho_scalar_names), d_1 of the normalised elliptic
 * Fourier descriptors (minor/major axis ratio of the first harmonic; a_1, b_1, c_1 are fixed by the
 * normalisation) and a, b, c, d of harmonics 2..MORPHO_FEATURE_HARM */
#define MORPHO_FEATURE_HARM 10
#define MORPHO_FEATURES (9 + 1 + 4 * (MORPHO_FEATURE_HARM - 1))

typedef struct FeatureSpace {
    int kind;
    int dim;                /* features per image */
    int n_classes;          /* logits per image; 0 = none (no Inception Score) */
    int batch;              /* images per network pass */
    char fingerprint[17];   /* of the weights (and variant); of the feature definition for morpho */
    char label[40];         /* for messages: "domain classifier", "Inception-v3 (fid)", "morphometrics" */
    FeatNet domain;
    InceptionV3 inception;
} FeatureSpace;

/* net: the weights file (domain, inception); ignored for morpho.  0, or -1 + mg_error. */
int feature_space_open(FeatureSpace *f, int kind, const char *net);
void feature_space_close(FeatureSpace *f);

/* Features *features [*n_ok, dim] and, when logits is not NULL and n_classes > 0, *logits [*n_ok, n_classes]
 * (malloc'd) of the images of s.  flags (n entries, may be NULL): 0 for an image whose features are in the
 * rows (in order), else its morpho/segment.h SegFlag (morpho only).  0, or -1 + mg_error when the space
 * cannot take the set (the domain network needs 28x28 images). */
int feature_space_extract(FeatureSpace *f, const ImageSet *s, float **features, float **logits, long *n_ok, int *flags);

/* z-scores x [m,d] in place by the mean and standard deviation (ddof 1) of real [n,d] (a constant feature
 * becomes 0). */
void feature_standardise(const float *real, long n, float *x, long m, int d);
#endif
