/* The standard DCGAN (Radford et al. 2016) at a square power-of-two resolution R in 16..256:
 *   n = log2(R) - 2 upsampling stages, widths w_i = g_width * 2^(n-1-i)
 *   G: z [N,Z,1,1] -> ConvT(Z->w_0, k4 s1 p0) BN ReLU                       (1 -> 4)
 *                  -> ConvT(w_{i-1}->w_i, k4 s2 p1) BN ReLU, i = 1..n-1    (4 -> R/2)
 *                  -> ConvT(w_{n-1}->C, k4 s2 p1) Tanh                     (R/2 -> R)
 *      (R = 64, g_width 64: 100 -> 512 -> 256 -> 128 -> 64 -> C, as the paper)
 *   D: x [N,C,R,R] -> Conv(C->d, k4 s2 p1) LReLU(0.2)
 *                  -> Conv(d 2^(i-1) -> d 2^i, k4 s2 p1) [norm] LReLU(0.2), i = 1..n-1   (down to 4x4)
 *                  -> Conv(d 2^(n-1) -> 1, k4 s1 p0) -> logits [N,1,1,1]   (d_out channels instead of 1: [N,d_out,1,1])
 *      norm: batch norm, none, or spectral normalisation of every D conv weight.
 * Convolutions have no bias (BN follows them), except D's last.  Weights N(0, 0.02), BN gamma
 * N(1, 0.02), beta 0.  Buffers: "G.bn<i>" / "D.bn<i>" [means | variances], "D.sn<i>.u|v". */
#ifndef MG_MODEL_DCGAN_H
#define MG_MODEL_DCGAN_H
#include "core/rng.h"
#include "train/gan_model.h"

typedef struct DcganSpec {
    int resolution, channels, z_dim, g_width, d_width;
    int d_norm;                 /* 0 batch norm, 1 none, 2 spectral norm */
    int n_classes;              /* > 0: conditional (G input z_dim + n_classes, D input channels + n_classes) */
    int d_out;                  /* channels of D's output: 1 for a GAN (0 means 1); 2 z_dim for a VAE encoder */
} DcganSpec;

/* 0, or -1 + mg_error when the spec is not buildable (resolution not a power of two in 16..256...) */
int gan_dcgan_init(GanModel *m, DcganSpec s, Rng *init);
#endif
