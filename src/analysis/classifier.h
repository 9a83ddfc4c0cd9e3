/* Binary classifiers of latent features: a linear SVM and logistic regression through liblinear, and a
 * small MLP on the engine's ops.  Class 1 is the positive class; a classifier's decision value is > 0
 * when it predicts class 1.
 *
 * Every fit standardises the features on its own training rows (features.h).  Linear models keep both
 * the standardised (ws, bs) and the original-space (w, b) decision function: f(x) = w.x + b.
 *
 *   SVM     liblinear L2R_L2LOSS_SVC_DUAL: min 1/2 |w|^2 + C sum_i c_i max(0, 1 - y_i (w.x_i + b))^2,
 *           bias as an extra feature of value 1 (regularised), as scikit-learn's LinearSVC defaults
 *   logreg  liblinear L2R_LR (primal trust-region Newton): min 1/2 |w|^2 + C sum_i c_i log(1 + e^{-y_i f(x_i)}),
 *           as scikit-learn's LogisticRegression(solver="liblinear")
 *   MLP     d -> hidden1 -> hidden2 -> 1, ReLU and dropout after each hidden layer, class-weighted binary
 *           cross-entropy, Adam, minibatches; early stopping on an inner validation set (a stratified share
 *           of the training rows, never the rows being evaluated): the weights of the epoch with the lowest
 *           inner-validation loss are kept, training stops after `patience` epochs without improvement.
 * c_i: the weight of row i's class (1, given, or "balanced" = n / (2 n_class) on the training rows).
 * liblinear's coordinate descent shuffles with rand(): srand(seed) makes it reproducible. */
#ifndef MG_CLASSIFIER_H
#define MG_CLASSIFIER_H
#include "analysis/features.h"
#include <stdint.h>

typedef enum { CLF_SVM, CLF_LOGREG, CLF_MLP } ClassifierKind;

typedef struct ClassifierOptions {
    ClassifierKind kind;
    double C;                   /* liblinear: inverse regularisation (1) */
    double eps;                 /* liblinear stopping tolerance (1e-4, scikit-learn's tol) */
    int balanced;               /* class weights n / (2 n_c) */
    double class_weight[2];     /* used when !balanced (1, 1) */
    int hidden1, hidden2;       /* MLP (256, 64) */
    float dropout, lr, weight_decay;       /* (0.2, 1e-3, 0) */
    int batch, max_epochs, patience;       /* (64, 300, 20) */
    float inner_val;            /* share of training rows held out for early stopping (0.15) */
    uint64_t seed;
} ClassifierOptions;

ClassifierOptions classifier_default_options(ClassifierKind kind);
const char *classifier_name(ClassifierKind kind);            /* "svm", "logreg", "mlp" */
int classifier_parse(const char *name, ClassifierKind *kind); /* -1 + mg_error */

typedef struct Mlp Mlp;

typedef struct Classifier {
    ClassifierKind kind;
    int d;
    Standardizer st;
    double *ws, bs;             /* linear: [d], on standardised features */
    double *w, b;               /* linear: [d], on the original features */
    Mlp *mlp;
    int epochs;                 /* MLP: epochs run, and the one kept */
    int best_epoch;
} Classifier;

/* Fits on rows[nrows] of x [*, d] with labels y[*] in {0, 1}; both classes must be present. */
int classifier_fit(const ClassifierOptions *o, const float *x, int d, const int *y, const int *rows, int nrows,
                   Classifier *c);
/* score[r] = decision value of row rows[r] */
void classifier_decision(const Classifier *c, const float *x, const int *rows, int nrows, double *score);
void classifier_free(Classifier *c);

/* --- the two implementations (linear_model.c, mlp_classifier.c) --- */
int linear_fit(const ClassifierOptions *o, const double *z, int n, int d, const int *y, const double cw[2],
               double *ws, double *bs);
int mlp_fit(const ClassifierOptions *o, const float *z, int n, int d, const int *y, const double cw[2], Classifier *c);
void mlp_decision(const Mlp *m, const float *z, int n, double *score);
void mlp_free(Mlp *m);
#endif
