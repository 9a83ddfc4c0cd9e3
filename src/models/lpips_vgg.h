/* LPIPS with VGG-16 features (Zhang et al. 2018; the `lpips` package, net='vgg', version 0.1): a perceptual
 * distance for inversion when the user has the pretrained weights (they cannot be downloaded here; without
 * them inversion uses the discriminator's features, inversion/perceptual.h).
 *
 * Weights: a safetensors file written by tools/convert_lpips.py: torchvision's VGG-16 convolutions
 * features.K.weight [Co,Ci,3,3] / features.K.bias [Co] (K = 0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)
 * and LPIPS's linear layers lin0.weight ... lin4.weight ([64], [128], [256], [512], [512], >= 0).
 *
 * Forward, as lpips.LPIPS(net='vgg'): images x [N,C,H,W] in [-1,1], C = 1 (replicated to RGB) or 3 ->
 * (x - shift) / scale with shift (-.030, -.088, -.188), scale (.458, .448, .450) -> VGG-16 (3x3 convolutions,
 * padding 1, ReLU; 2x2 max pooling between stages) -> the five feature maps relu1_2 [N,64,H,W], relu2_2
 * [N,128,H/2,W/2], relu3_3, relu4_3, relu5_3 [N,512,H/16,W/16] (H, W multiples of 16).  The distance is
 * perceptual_distance (inversion/perceptual.h) on those maps with the lin weights. */
#ifndef MG_LPIPS_VGG_H
#define MG_LPIPS_VGG_H
#include "ops/ops.h"

#define LPIPS_N_CONV 13
#define LPIPS_N_FEAT 5

typedef struct LpipsVgg {
    Tensor w[LPIPS_N_CONV], b[LPIPS_N_CONV];   /* [Co,Ci,3,3], [Co]: headers over mem */
    Tensor lin[LPIPS_N_FEAT];                  /* [C_l] */
    float *mem;
} LpipsVgg;

/* 0, or -1 + mg_error "path: what is wrong" (missing tensor, wrong shape, non-finite or negative weight). */
int lpips_load(LpipsVgg *net, const char *path);
void lpips_free(LpipsVgg *net);

/* x [N,C,H,W] in [-1,1] -> feats[0..4] (relu1_2 .. relu5_3).  Differentiable in x.  Needs H, W >= 16. */
void lpips_features(const LpipsVgg *net, Tensor *x, Tensor **feats);
#endif
