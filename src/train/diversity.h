/* Cheap measures of how varied a set of samples is (mode collapse shows in both):
 *  - pixel variance: the variance across samples of each pixel, averaged over pixels
 *    (pixels in [-1,1]; about 0.3-0.35 for Fashion-MNIST images, near 0 for one repeated image);
 *  - nearest-real classes: each sample's nearest (L2) labelled real image; how many distinct labels
 *    those neighbours have, and the largest share one label takes. */
#ifndef MG_DIVERSITY_H
#define MG_DIVERSITY_H

double diversity_pixel_var(const float *x, int n, int dim);     /* x [n, dim] */
/* hist: nclass counters (may be NULL); returns the number of distinct labels, *top the largest count */
int diversity_nn_classes(const float *x, int n, int dim, const float *ref, const int *labels, int nref, int nclass,
                         int *hist, int *top);
#endif
