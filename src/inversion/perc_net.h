/* The network whose feature maps define inversion's perceptual distance (inversion/perceptual.h):
 * the discriminator trained with the generator (default: no pretrained weights needed), or LPIPS-VGG
 * (models/lpips_vgg.h) when the user has its weights. */
#ifndef MG_PERC_NET_H
#define MG_PERC_NET_H
#include "models/lpips_vgg.h"
#include "models/stylegan2.h"

#define PERC_MAX_FEATURES (SG2_MAX_BLOCKS + 1 > LPIPS_N_FEAT ? SG2_MAX_BLOCKS + 1 : LPIPS_N_FEAT)

typedef struct PercNet {
    const Sg2 *d;               /* its discriminator's features when vgg is NULL */
    const LpipsVgg *vgg;        /* LPIPS-VGG, or NULL */
} PercNet;

int perc_net_count(const PercNet *n);
/* img [N,C,R,R] in [-1,1] -> f[0 .. count-1]; every map depends on its own image only */
void perc_net_features(const PercNet *n, Tensor *img, Tensor **f);
/* perceptual_distance of the images' maps f to the references' unit maps u, with the network's weights
 * (all 1 for the discriminator, LPIPS's linear layers for VGG) -> [N] */
Tensor *perc_net_distance(const PercNet *n, Tensor *const *f, Tensor *const *u);
const char *perc_net_name(const PercNet *n);   /* "the discriminator's features" or "LPIPS-VGG" */
#endif
