/* Sample-quality metrics on feature matrices: FID, KID, precision/recall, Inception Score.
 *
 * Inputs are float matrices [n, d], row-major (one row per image); every sum is accumulated in double.
 * Each function returns 0, or -1 with a one-line mg_error ("fid: ...") on bad sizes or a LAPACK failure.
 *
 * FID (Heusel et al. 2017): |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrt(S1 S2), covariances unbiased
 * (n - 1), as numpy.cov.  tr sqrt(S1 S2) = sum_i sqrt(eig_i(S1^1/2 S2 S1^1/2)); S1^1/2 = V diag(sqrt l) V^T
 * from LAPACK's dsyevd on S1 (negative round-off eigenvalues clipped to 0), and the eigenvalues of
 * S1^1/2 S2 S1^1/2 are those of W^T S2 W with W = V diag(sqrt l), which is what is decomposed.
 * KID (Binkowski et al. 2018): unbiased MMD^2 with k(x,y) = (x.y/d + 1)^3 on n_subsets random subsets
 * of subset_size rows of each set (without replacement within a subset); mean and standard deviation
 * (ddof 0, as torch-fidelity and clean-fid) over the subsets.
 * Precision / recall (Kynkaanniemi et al. 2019): the manifold of a set is the union of balls around its
 * points whose radius is the distance to the k-th nearest other point of the same set; precision =
 * share of fake points inside the real manifold, recall = share of real points inside the fake one.
 * Inception Score (Salimans et al. 2016): exp(mean_x KL(p(y|x) || p(y))) on each of `splits` contiguous
 * parts, mean and standard deviation (ddof 0) over the parts. */
#ifndef MG_METRICS_H
#define MG_METRICS_H
#include <stdint.h>

/* Mean and unbiased covariance of a feature set. */
typedef struct FeatStats {
    int d;
    long n;
    double *mu;         /* [d] */
    double *cov;        /* [d, d], symmetric, both triangles filled */
} FeatStats;

int feat_stats(const float *x, long n, int d, FeatStats *out);          /* needs n >= 2 */
void feat_stats_free(FeatStats *s);

int fid_from_stats(const FeatStats *a, const FeatStats *b, double *fid);
int fid_features(const float *x, long n, const float *y, long m, int d, double *fid);

typedef struct KidOptions {
    int subset_size;    /* rows per subset (clipped to the smaller set); default 1000 */
    int n_subsets;      /* default 100 */
    uint64_t seed;      /* project Rng seed of the subset draws */
} KidOptions;
KidOptions kid_default_options(void);
int kid_features(const float *x, long n, const float *y, long m, int d, KidOptions o, double *mean, double *std);

/* real [n, d], fake [m, d]; k >= 1 and k < n, k < m (k = 3 in the paper). */
int precision_recall(const float *real, long n, const float *fake, long m, int d, int k, double *precision,
                     double *recall);

/* p [n, c]: class probabilities (rows summing to 1), or logits when is_logits (softmax applied). */
int inception_score(const float *p, long n, int c, int splits, int is_logits, double *mean, double *std);
#endif
