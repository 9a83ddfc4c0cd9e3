/* Reconstruction FID on morphometric features. */
#include "inversion/recon_fid.h"
#include "analysis/feature_space.h"
#include "analysis/metrics.h"
#include "core/error.h"
#include <stdlib.h>

int recon_fid_morpho(const float *x, const float *rec, int n, int c, int r, double *fid, long *n_x, long *n_rec) {
    FeatureSpace fs;
    if (feature_space_open(&fs, FEATURES_MORPHO, NULL)) return -1;
    ImageSet a = image_set_wrap((float *)x, n, c, r, r), b = image_set_wrap((float *)rec, n, c, r, r);
    float *fa = NULL, *fb = NULL;
    *n_x = *n_rec = 0;
    int rc = feature_space_extract(&fs, &a, &fa, NULL, n_x, NULL);
    if (!rc) rc = feature_space_extract(&fs, &b, &fb, NULL, n_rec, NULL);
    if (!rc && (*n_x <= fs.dim || *n_rec <= fs.dim))
        rc = mg_error_set("reconstruction FID: %ld images and %ld reconstructions measured, at least %d each needed", *n_x, *n_rec,
                          fs.dim + 1);
    if (!rc) {
        feature_standardise(fa, *n_x, fb, *n_rec, fs.dim);     /* the reconstructions first: fa is the reference */
        feature_standardise(fa, *n_x, fa, *n_x, fs.dim);
        rc = fid_features(fa, *n_x, fb, *n_rec, fs.dim, fid);
    }
    free(fa);
    free(fb);
    feature_space_close(&fs);
    return rc;
}
