/* Does a reconstruction keep the morphology?  Measures each image and its reconstruction with the
 * outline morphometrics (morpho/measure.h) and compares: the relative error of the measured length
 * |L_rec - L_img| / L_img (median over the images measured in both) and the Pearson correlation of
 * bending (and of length) between images and reconstructions. */
#ifndef MG_MORPHO_CHECK_H
#define MG_MORPHO_CHECK_H

typedef struct MorphoPair {
    int ok;                          /* both measured (flag SEG_OK) */
    int flag_img, flag_rec;
    double len_img, len_rec, bend_img, bend_rec;
} MorphoPair;

typedef struct MorphoCheck {
    int n, n_ok;
    double len_median_rel_err;       /* fraction, e.g. 0.03 */
    double len_r, bend_r;            /* Pearson r over the ok pairs (NAN with fewer than 3) */
    double bend_slope;               /* least-squares slope of reconstruction bending on image bending: how much
                                      * of a bending difference survives (1 = all; r says how tightly) */
} MorphoCheck;

/* images and recon [n,C,R,R] in [-1,1]; rows [n] (may be NULL).  Parallel over images. */
void morpho_check(const float *images, const float *recon, int n, int C, int R, MorphoPair *rows, MorphoCheck *out);
/* Pearson r of n pairs (NAN when undefined) */
double pearson_r(const double *x, const double *y, int n);
/* least-squares slope of y on x (NAN when undefined) */
double ls_slope(const double *x, const double *y, int n);
#endif
