/* Training and evaluation of the domain feature network (models/feature_net.h): softmax cross-entropy,
 * Adam, shuffled mini-batches drawn from the project's Rng. */
#ifndef MG_FEATNET_TRAIN_H
#define MG_FEATNET_TRAIN_H
#include "models/feature_net.h"
#include <stdio.h>

typedef struct FeatTrainOptions {
    int epochs;         /* default 2 */
    int batch;          /* default 128 */
    float lr;           /* Adam, betas (0.9, 0.999); default 1e-3 */
    uint64_t seed;      /* initialisation, shuffling and flips */
    int cosine;         /* 1: learning rate lr * (1 + cos(pi t / T)) / 2 at step t of T (0 at the end); 0: constant */
    int flip;           /* 1: each drawn image is mirrored left-right with probability 1/2 */
} FeatTrainOptions;

/* Initialises f and trains it on images [n,1,28,28] with labels in 0..9; progress lines to log (may be NULL).
 * Returns the mean loss of the last epoch. */
double featnet_train(FeatNet *f, const float *images, const int *labels, long n, FeatTrainOptions o, FILE *log);
/* Share of the n images whose arg-max logit equals the label. */
double featnet_accuracy(FeatNet *f, const float *images, const int *labels, long n);
#endif
