/* t-SNE (van der Maaten & Hinton 2008) with the Barnes-Hut approximation of the repulsive forces
 * (van der Maaten 2014), in 2-D (quadtree) or 3-D (octree), and the trustworthiness of an embedding.
 *
 * The schedule and constants are scikit-learn's (1.2, method="barnes_hut"), so that the two can be
 * compared on the same settings:
 *   input affinities  k = min(n - 1, floor(3 perplexity + 1)) exact nearest neighbours (squared Euclidean);
 *                     per point, a binary search on the Gaussian precision until the entropy of p(.|i) is
 *                     log(perplexity) within 1e-5 (at most 100 steps); P = (P + P^T) / sum, sparse (CSR)
 *   output kernel     Student-t with a degrees of freedom, w_ij = (1 + |y_i - y_j|^2 / a)^(-(a+1)/2), q = w / Z;
 *                     a = 1 by default in 2-D and 3-D (the original t-SNE and bhtsne); scikit-learn uses
 *                     a = dims - 1 = 2 in 3-D with its own update (below), which keeps neighbours better than
 *                     the true gradient with a = 2 (docs/analysis.md), so a = 2 is an option, not the default
 *   gradient          the exact gradient of KL(P || Q) for any a, with u_ij = (1 + |y_i - y_j|^2 / a)^-1:
 *                     dC/dy_i = 2 (a+1)/a (exag sum_j p_ij u_ij (y_i - y_j) - sum_j w_ij u_ij (y_i - y_j) / Z)
 *                     (= 4 (...) with q u = q^2 for a = 1); the second sum over tree cells whose
 *                     width / distance < theta (cells holding y_i are always opened); theta = 0 gives the exact
 *                     O(n^2) sums.  (For a != 1 scikit-learn multiplies by w instead of u: not the gradient.)
 *   optimisation      early exaggeration 12 with momentum 0.5 for 250 iterations, then momentum 0.8; gains
 *                     (+0.2 / x0.8, at least 0.01, reset with the update at the phase change); learning rate
 *                     "auto" = max(n / exaggeration / 4, 50); every 50 iterations the KL divergence is
 *                     evaluated and the run stops when the gradient norm is < 1e-7 or the KL has not improved
 *                     for 300 iterations (250 in the exaggeration phase)
 *   initialisation    PCA, scaled so that the first coordinate has standard deviation 1e-4, or N(0, 1e-4^2)
 *                     from the seed
 * Threads: the per-point forces run in parallel (OpenMP); every sum over points is then taken in index
 * order, so the result does not depend on the thread count. */
#ifndef MG_TSNE_H
#define MG_TSNE_H
#include <stdint.h>

typedef struct TsneOptions {
    int dims;                   /* 2 or 3 */
    double dof;                 /* degrees of freedom of the output kernel (1); <= 0: 1 */
    double perplexity;          /* 30 */
    double theta;               /* 0.5 */
    int iterations;             /* 1000, exaggeration phase included */
    int exaggeration_iters;     /* 250 */
    double exaggeration;        /* 12 */
    double learning_rate;       /* <= 0: auto */
    int init_pca;               /* 1 */
    uint64_t seed;              /* random initialisation only */
    int verbose;                /* progress lines on stderr every 50 iterations */
} TsneOptions;

TsneOptions tsne_default_options(void);

typedef struct TsneResult {
    double kl;                  /* KL(P || Q) at the end (Barnes-Hut estimate of Z when theta > 0) */
    int iterations;             /* run */
    double seconds_affinity, seconds_descent;
} TsneResult;

/* x [n, d] -> y [n, dims].  0, or -1 + mg_error (n < 4, perplexity out of range, ...). */
int tsne_run(const float *x, int n, int d, const TsneOptions *o, float *y, TsneResult *res);

/* --- the pieces (exposed for the tests) --- */
typedef struct SparseP {        /* CSR, symmetric, entries sum to 1 */
    int n;
    int *rowptr;                /* [n + 1] */
    int *col;                   /* [nnz] ascending within a row */
    double *val;                /* [nnz] */
} SparseP;
void sparse_p_free(SparseP *P);

/* k nearest neighbours of every row (self excluded): idx [n, k], dist2 [n, k] ascending (ties by index) */
void tsne_knn(const float *x, int n, int d, int k, int *idx, double *dist2);
/* squared distances of rows i0..i0+rows-1 of xd [n, d] (double) to all rows, blk [rows, n]; nrm = |x_j|^2 */
void tsne_sq_dist_block(const double *xd, const double *nrm, int n, int d, int i0, int rows, double *blk);
/* conditional p_{j|i} over each row's k neighbours, rows of p [n, k] sum to 1 */
void tsne_conditional_p(const double *dist2, int n, int k, double perplexity, double *p);
/* P = (P + P^T) / sum over the kNN graph */
void tsne_symmetrize(const int *idx, const double *p, int n, int k, SparseP *P);
/* buffers reused from one gradient to the next (the tree, per-point sums) */
typedef struct TsneWork TsneWork;
TsneWork *tsne_work_new(void);
void tsne_work_free(TsneWork *w);
/* grad [n, dims] of KL(P_exag || Q) at y [n, dims] for a kernel with dof degrees of freedom (exag multiplies P
 * in the attractive term); returns KL(P || Q) with the unexaggerated P when want_kl, else 0.  work may be NULL. */
double tsne_gradient(const SparseP *P, const double *y, int n, int dims, double dof, double theta, double exag,
                     double *grad, int want_kl, TsneWork *work);
/* the same with dense O(n^2) sums (the reference of the tests) */
double tsne_gradient_exact(const SparseP *P, const double *y, int n, int dims, double dof, double exag, double *grad);

/* Trustworthiness (Venna & Kaski 2001; scikit-learn's definition), Euclidean in both spaces:
 * 1 - 2 / (n k (2n - 3k - 1)) sum_i sum_{j in N_k^emb(i)} max(0, r(i, j) - k), r = rank of j among i's
 * neighbours in the input space (1 = nearest; ties by index).  Needs k < n / 2. */
double trustworthiness(const float *x, int n, int d, const float *y, int dims, int k);
#endif
