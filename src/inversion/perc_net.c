/* Dispatch between the discriminator's features and LPIPS-VGG for the perceptual distance. */
#include "inversion/perc_net.h"
#include "inversion/perceptual.h"
#include "models/sg2_features.h"

int perc_net_count(const PercNet *n) { return n->vgg ? LPIPS_N_FEAT : sg2_d_num_features(n->d); }

void perc_net_features(const PercNet *n, Tensor *img, Tensor **f) {
    if (n->vgg) lpips_features(n->vgg, img, f);
    else sg2_d_features(n->d, img, f);
}

Tensor *perc_net_distance(const PercNet *n, Tensor *const *f, Tensor *const *u) {
    if (!n->vgg) return perceptual_distance(perc_net_count(n), f, u, NULL);
    Tensor *wt[LPIPS_N_FEAT];
    for (int l = 0; l < LPIPS_N_FEAT; l++) wt[l] = (Tensor *)&n->vgg->lin[l];
    return perceptual_distance(LPIPS_N_FEAT, f, u, wt);
}

const char *perc_net_name(const PercNet *n) { return n->vgg ? "LPIPS-VGG" : "the discriminator's features"; }
