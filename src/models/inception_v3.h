/* Inception-v3 (Szegedy et al. 2016) as torchvision builds it (torchvision.models.inception_v3, eval mode,
 * no auxiliary classifier): the network of FID, KID, precision/recall and the Inception Score.
 *
 * Weights: a safetensors file written by tools/convert_inception.py from a torchvision state_dict (names
 * as torchvision's: "Conv2d_1a_3x3.conv.weight", "Mixed_5b.branch1x1.bn.running_mean", ..., "fc.weight").
 * Each BasicConv2d (conv without bias, BatchNorm(eps 0.001), ReLU) is folded at load time into one
 * convolution with bias, in double precision: w' = w g / sqrt(v + eps), b' = beta - m g / sqrt(v + eps).
 *
 * Variants (metadata "variant" of the file, or INCEPTION_*):
 *   torchvision  torchvision's inception_v3 (the ImageNet weights inception_v3_google-*.pth, 1000 classes)
 *   fid          pytorch-fid's FID Inception (pt_inception-2015-12-05-*.pth, the TensorFlow FID network, 1008
 *                classes): the same layers, but the average pools of Mixed_5b-5d, 6b-6e and 7b leave the
 *                padding out of the mean (count_include_pad=False) and Mixed_7c pools by max (3x3, stride 1,
 *                pad 1) instead of average.
 *
 * Input of inception_forward: x [N,3,299,299] with values in [-1,1].  That is torchvision's normalisation
 * for its ImageNet weights (ToTensor, Normalize(ImageNet mean, std), then transform_input=True, whose net
 * effect is 2 p - 1 on pixels p in [0,1]) and pytorch-fid's (2 p - 1).  inception_prepare() makes that
 * input from any image size and channel count: grey replicated to 3 channels, bilinear resize to 299x299
 * (align_corners=False, no antialiasing: F.interpolate as pytorch-fid calls it).
 * Output: logits [N,K] (K = the fc layer's rows) and the 2048 pool features (global average of Mixed_7c). */
#ifndef MG_INCEPTION_V3_H
#define MG_INCEPTION_V3_H
#include "ops/ops.h"

#define INCEPTION_DIM 2048
#define INCEPTION_SIZE 299
#define INCEPTION_MAX_CONV 96

enum { INCEPTION_TORCHVISION = 0, INCEPTION_FID = 1 };

typedef struct IncConv {                /* one BasicConv2d, batch norm folded in */
    char name[40];                      /* "Mixed_6b.branch7x7_2" */
    int cin, cout, kh, kw, stride, ph, pw;
    Tensor w, b;                        /* [cout,cin,kh,kw], [cout]: persistent headers over InceptionV3.mem */
} IncConv;

typedef struct InceptionV3 {
    int variant;                        /* INCEPTION_TORCHVISION or INCEPTION_FID */
    int n_conv;
    IncConv conv[INCEPTION_MAX_CONV];
    int n_classes;
    Tensor fc_w, fc_b;                  /* [K,2048], [K] */
    float *mem;                         /* every weight, one allocation */
    char fingerprint[17];               /* FNV-1a of the folded weights and the variant, "%016llx" */
} InceptionV3;

/* Loads and folds; variant from the file's metadata ("torchvision" when absent).  Every name and shape
 * is checked: 0, or -1 + mg_error "path: what is wrong". */
int inception_load(InceptionV3 *net, const char *path);
void inception_free(InceptionV3 *net);

/* x [N,3,299,299] in [-1,1] -> logits [N,K]; *pool (if not NULL) = [N,2048] features.  Differentiable in x. */
Tensor *inception_forward(const InceptionV3 *net, Tensor *x, Tensor **pool);
/* x [N,C,H,W] in [-1,1], C = 1 or 3 -> [N,3,299,299] (grey replicated, bilinear resize). */
Tensor *inception_prepare(Tensor *x);

/* Features [n,2048] and logits [n,K] (either may be NULL) of n images [n,c,h,w] in [-1,1] (c = 1 or 3), in
 * batches of `batch`, without recording a graph; resets the tensor arena (mg_step_reset) between batches. */
void inception_extract(const InceptionV3 *net, const float *images, long n, int c, int h, int w, int batch,
                       float *features, float *logits);
#endif
