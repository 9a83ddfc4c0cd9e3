/* Evaluating a classifier on a latent table's features:
 *   train / val   one fit on the rows of split train, metrics on the train rows and on the val rows
 *   cv            stratified k-fold cross-validation over all rows (train and val): per class, the rows are
 *                 shuffled with the seed and dealt to the folds in turn; each fold is scored by a fit on the
 *                 other k-1 folds (standardised on them).  cv_mean / cv_std: mean and sample standard deviation
 *                 (ddof 1) of each metric over the folds; cv_pooled: the confusion matrix of all out-of-fold
 *                 predictions (each row predicted once) and the metrics of those pooled predictions. */
#ifndef MG_EVALUATE_H
#define MG_EVALUATE_H
#include "analysis/binary_metrics.h"
#include "analysis/classifier.h"

/* fold[i] in 0..k-1 for the n rows of labels y (0/1).  -1 + mg_error when a class has fewer than k rows. */
int stratified_folds(const int *y, int n, int k, uint64_t seed, int *fold);

typedef struct Evaluation {
    int has_val;
    BinaryMetrics train, val;
    int folds;                  /* 0: no cross-validation */
    BinaryMetrics *cv;          /* [folds] */
    BinaryMetrics cv_mean, cv_std, cv_pooled;
    Classifier fitted;          /* the fit on the train split */
    double *score;              /* [n]: its decision value on every row */
} Evaluation;

/* x [n, d], y [n] in {0,1}, split [n] (LT_TRAIN / LT_VAL); folds 0 or 1 = no cross-validation */
int evaluate_classifier(const ClassifierOptions *o, const float *x, int d, const int *y, const int *split, int n,
                        int folds, Evaluation *e);
void evaluation_free(Evaluation *e);
#endif
