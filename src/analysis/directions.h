/* Directions in the latent space, always unit vectors in the ORIGINAL feature space (features.h), each with
 * the statistics that make a walk along it interpretable.
 *
 *   svm, logreg   the normal w of the decision function f(x) = w.x + b (mapped back from the standardised
 *                 features: classifier.h); bias = b / |w|, so that u.x + bias = 0 is the hyperplane
 *   mean_diff     mean(class 1) - mean(class 0)
 *   pcaK          principal component K of the features (pca.h)
 *   sefaK         SeFa (Shen & Zhou 2021): the K-th eigenvector of A^T A, A [R, D] the stacked weights of the
 *                 generator's style affine layers (each row = one output unit), rows normalised to unit norm
 *                 first as SeFa does (optional); eigenvalues descending
 *   ganspaceK     GANSpace (Haerkoenen et al. 2020): principal component K of mapped samples w = M(z)
 * Orientation: every direction is turned so that class 1 lies on its positive side (separation >= 0), so a
 * positive walk goes from class 0 towards class 1; bias follows the turn.
 *   norm          length of the vector before normalisation: |w| (svm, logreg), |mu1 - mu0| (mean_diff),
 *                 sqrt(eigenvalue) (pca, ganspace: the standard deviation along it; sefa: the singular value)
 *   separation    mean(u.x | class 1) - mean(u.x | class 0): the distance between the class means along u, the
 *                 unit of the walks ("one class separation")
 *   separation_sd separation / pooled standard deviation of u.x within the classes (Cohen's d)
 *   bias          for directions without a hyperplane, the hyperplane through the midpoint of the class means */
#ifndef MG_DIRECTIONS_H
#define MG_DIRECTIONS_H

#define DIRECTION_NAME 48

typedef struct Direction {
    char name[DIRECTION_NAME];
    int dim;
    double *u;                  /* [dim], unit */
    double norm, bias, separation, separation_sd;
    int has_hyperplane;         /* bias came from a classifier */
} Direction;

/* w [dim], b: a linear decision function (positive = class 1).  -1 + mg_error when w = 0. */
int direction_from_hyperplane(Direction *d, const char *name, const double *w, double b, int dim);
/* v [dim] with its own scale (norm = |v| unless norm_override > 0).  -1 + mg_error when v = 0. */
int direction_from_vector(Direction *d, const char *name, const double *v, int dim, double norm_override);
/* mean(class 1) - mean(class 0) of x [n, dim] */
int direction_mean_diff(Direction *d, const float *x, const int *y, int n, int dim);
/* separation, separation_sd; orients u (and bias) towards class 1; bias through the midpoint when no hyperplane */
void direction_class_stats(Direction *d, const float *x, const int *y, int n);
/* u -= (u.v) v / |v|^2, renormalised: u then holds v fixed (moving along u does not change x.v).
 * -1 + mg_error when u is (nearly) parallel to v. */
int direction_orthogonalize(Direction *d, const double *v, int dim);
double direction_cosine(const double *a, const double *b, int dim);
void direction_free(Direction *d);

/* SeFa: A [rows, dim] -> the top k eigenvectors of A^T A (dirs [k, dim], unit) and eigenvalues [k] (descending).
 * 0 or -1 + mg_error. */
int sefa(const float *A, int rows, int dim, int k, int normalize_rows, double *dirs, double *eigenvalues);
#endif
