/* The domain feature network of the quality metrics (analysis/metrics.h): a small classifier of 28x28
 * grayscale images trained by morphogan (no Inception weights exist here), whose penultimate layer is
 * the feature space of FID / KID / precision-recall and whose class probabilities feed the Inception Score.
 *
 * x[N,1,28,28] in [-1,1] -> Conv(1->16, k5 s2 p2) ReLU -> [N,16,14,14]
 *                        -> Conv(16->32, k5 s2 p2) ReLU -> [N,32,7,7] -> flatten [N,1568]
 *                        -> Linear(1568->128) ReLU = features [N,128] -> Linear(128->10) = logits [N,10]
 * Parameters are named as a PyTorch nn.Sequential state_dict ("0.weight", "2.weight", "5.weight", "7.weight").
 * Initialisation: PyTorch's default (U(+-1/sqrt(fan_in)) for weights and biases) from the project's Rng. */
#ifndef MG_FEATURE_NET_H
#define MG_FEATURE_NET_H
#include "ops/ops.h"
#include "optim/optim.h"

#define FEATNET_DIM 128
#define FEATNET_CLASSES 10

typedef struct FeatNet {
    ParamStore *ps;
    Tensor *w[4], *b[4];    /* conv [16,1,5,5], conv [32,16,5,5], linear [128,1568], linear [10,128] */
} FeatNet;

void featnet_init(FeatNet *f, Rng *rng);
void featnet_free(FeatNet *f);
/* x [N,1,28,28] -> logits [N,10]; *features (if not NULL) = the [N,128] penultimate activations */
Tensor *featnet_forward(FeatNet *f, Tensor *x, Tensor **features);

/* safetensors with the four layers and metadata {"model": "morphogan-featnet-v1", "test_accuracy": ...}.
 * Loading checks every name and shape; 0, or -1 + mg_error "path: what is wrong". */
int featnet_save(const FeatNet *f, const char *path, const char *test_accuracy);
int featnet_load(FeatNet *f, const char *path);
/* A fingerprint of the weights (FNV-1a of their bytes), "%016llx": ties cached statistics to a network. */
void featnet_fingerprint(const FeatNet *f, char out[17]);

/* Features [n,128] and logits [n,10] (either may be NULL) of n images [n,1,28,28], batches of `batch`,
 * without recording a graph.  Resets the tensor arena (mg_step_reset) between batches. */
void featnet_extract(FeatNet *f, const float *images, long n, int batch, float *features, float *logits);
#endif
