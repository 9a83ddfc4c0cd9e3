/* The whole latent-space analysis of `morphogan analyze` on one latent table (also callable by the demo):
 * classifiers with train/val/cross-validation metrics, hyperplane distances, directions, PCA, t-SNE, each
 * written to a file of the output folder (docs/analysis.md lists them), and a short summary on `log`. */
#ifndef MG_ANALYZE_RUN_H
#define MG_ANALYZE_RUN_H
#include "analysis/classifier.h"
#include "analysis/features.h"
#include <stdio.h>

#define ANALYZE_MAX_CLF 3

typedef struct AnalyzeOptions {
    const char *table_dir, *out_dir;
    FeatureSpec features;
    const char *classes[2];             /* NULL: the table's two labels, sorted */
    int n_clf;
    ClassifierKind clf[ANALYZE_MAX_CLF];
    ClassifierOptions clf_opt;          /* C, class weights, MLP settings, seed (kind set per classifier) */
    int folds;                          /* 0 or 1: no cross-validation */
    int tsne_dims;                      /* 0: no t-SNE */
    double perplexity;
    int tsne_iterations;
    int tsne_pca;                       /* reduce to this many principal components before t-SNE when d is larger */
    int pca_coords;                     /* components written to pca_coords.csv */
    int hist_bins;
    const char *sefa_weights;           /* .npy [R, D] or [layers, R, D]: SeFa directions */
    int sefa_k, sefa_no_normalize;
    const char *ganspace_samples;       /* .npy [M, D] or [M, L, D] mapped samples: GANSpace directions */
    int ganspace_k;
    const char *orthogonal_to;          /* a direction name of this run or a .npy file: add <name>_orth directions */
    uint64_t seed;
} AnalyzeOptions;

AnalyzeOptions analyze_default_options(void);
int analyze_run(const AnalyzeOptions *o, FILE *log);        /* 0, or -1 + mg_error */

/* mkdir -p; 0 or -1 + mg_error */
int analyze_mkdirs(const char *path);
#endif
