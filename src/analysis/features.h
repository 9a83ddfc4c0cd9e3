/* Features for the classifiers and projections, taken from the codes of a latent table [n, L, D]:
 *   w        the first vector of each code            -> [n, D]
 *   wplus    all L vectors, flattened (layer-major)    -> [n, L*D]
 *   layer:K  vector K (0-based)                        -> [n, D]
 * A direction found in feature space has the same layout: [D] (w, layer:K) or [L*D] = [L, D] (wplus).
 *
 * Standardisation (z = (x - mean) / scale, scale = population std, 1 where a feature is constant) is fitted
 * on the training rows only.  A linear decision function found on standardised features,
 * f(x) = ws.z + bs, is the same function of the original features with w = ws / scale and
 * b = bs - sum_j ws_j mean_j / scale_j (standardizer_unmap): the editing math needs that one. */
#ifndef MG_FEATURES_H
#define MG_FEATURES_H
#include "analysis/latent_table.h"

typedef enum { FEAT_W, FEAT_WPLUS, FEAT_LAYER } FeatureKind;

typedef struct FeatureSpec {
    FeatureKind kind;
    int layer;                  /* FEAT_LAYER only */
} FeatureSpec;

int feature_spec_parse(const char *s, FeatureSpec *f);          /* "w", "wplus", "layer:K"; -1 + mg_error */
const char *feature_spec_str(FeatureSpec f);                     /* rotating static buffer */
/* [n, d] features of every row of t (malloc'd); -1 + mg_error when layer K >= L */
int features_extract(const LatentTable *t, FeatureSpec f, float **x, int *d);

typedef struct Standardizer {
    int d;
    double *mean, *scale;       /* [d] each */
} Standardizer;

/* fitted on the rows listed in rows[nrows] of x [*, d] */
void standardizer_fit(Standardizer *s, const float *x, int d, const int *rows, int nrows);
/* out [nrows, d] (double) = standardised rows of x */
void standardizer_apply(const Standardizer *s, const float *x, const int *rows, int nrows, double *out);
void standardizer_apply_f32(const Standardizer *s, const float *x, const int *rows, int nrows, float *out);
/* ws [d], bs: a linear function on standardised features -> w [d], *b on the original ones */
void standardizer_unmap(const Standardizer *s, const double *ws, double bs, double *w, double *b);
void standardizer_free(Standardizer *s);
#endif
