/* FID between images and their reconstructions in the morphometric feature space (analysis/feature_space.h:
 * the outline measures and elliptic Fourier descriptors of each valve, z-scored by the images' mean and
 * standard deviation): how far apart the two distributions of shapes are, with no pretrained network.
 * For one set of images it is near 0 when the reconstructions keep the shapes; the "FID of reconstructions"
 * of the inversion issue, in the space of the study's measures. */
#ifndef MG_RECON_FID_H
#define MG_RECON_FID_H

/* x, rec [n,c,r,r] in [-1,1].  *n_x, *n_rec: images measured in each set (the others failed segmentation).
 * 0, or -1 + mg_error when fewer than MORPHO_FEATURES + 1 images of a set were measured (too few for the
 * covariance). */
int recon_fid_morpho(const float *x, const float *rec, int n, int c, int r, double *fid, long *n_x, long *n_rec);
#endif
