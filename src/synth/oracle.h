/* Oracle accuracy: how well the two groups can be told apart from their TRUE morphological parameters.
 * A linear discriminant (Fisher LDA, pooled covariance, equal priors) on the features
 * [length_um, width_um, bending, end_shape, |asym_lateral|, asym_apical, fib_density]; accuracy by
 * 2-fold cross-validation (images split in two folds by a hash of their index; fit on one, test on
 * the other, and the other way round).
 * Also the Gaussian (Bayes-for-equal-covariance) value Phi(Delta / 2), Delta = Mahalanobis distance
 * between the group means under the pooled covariance of the whole set. */
#ifndef MG_ORACLE_H
#define MG_ORACLE_H
#include "synth/diatom.h"

#define ORACLE_NFEAT 7

void oracle_features(const DiatomParams *p, double f[ORACLE_NFEAT]);
/* Returns 0, or -1 when a group is empty or the covariance is singular. */
int oracle_accuracy(const DiatomParams *p, int n, double *cv_accuracy, double *gauss_accuracy, double *mahalanobis);
#endif
