/* Principal component analysis in double precision through LAPACK.
 *
 * Fit on x [n, d]: centre, then the eigen-decomposition of the covariance S = Xc^T Xc / (n - 1) [d, d]
 * when d <= n, else of the Gram matrix Xc Xc^T / (n - 1) [n, n] (same non-zero eigenvalues; component
 * v = Xc^T u / |Xc^T u|).  eigenvalues = variance along each component (ddof 1, as scikit-learn's
 * explained_variance_), explained = eigenvalue / total variance (trace of S).  Signs are fixed as
 * scikit-learn's PCA does (svd_flip on the scores): the projection of largest magnitude is positive. */
#ifndef MG_PCA_H
#define MG_PCA_H

typedef struct Pca {
    int n, d;
    int r;                      /* eigenvalues kept: min(n - 1, d) */
    int k;                      /* components kept */
    double *mean;               /* [d] */
    double *eigenvalues;        /* [r], descending (round-off negatives clipped to 0) */
    double total_variance;      /* trace of the covariance */
    double *components;         /* [k, d], unit rows */
} Pca;

/* k components (k <= min(n - 1, d)); 0 or -1 + mg_error */
int pca_fit(const float *x, int n, int d, int k, Pca *p);
/* out [n, k] = (x - mean) . components^T */
void pca_transform(const Pca *p, const float *x, int n, double *out);
void pca_free(Pca *p);
#endif
