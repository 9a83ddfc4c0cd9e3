/* An e4e-style encoder (Tov et al. 2021, "Designing an encoder for StyleGAN image manipulation") for the
 * StyleGAN2-style generator of models/stylegan2.h, and e4e's latent discriminator.
 *
 * Encoder: x [N,C,R,R] ->
 *   backbone: stem conv 3x3 (C -> c0) at R; three residual stages, each halving the size
 *             (conv 3x3 stride 2, conv 3x3, skip = avgpool 2 + conv 1x1, sum / sqrt 2):
 *             f1 [c0, R/2], f2 [2 c0, R/4], f3 [4 c0, R/8];
 *   feature pyramid (pSp/e4e's FPN): p3 = lat3(f3), p2 = up2(p3) + lat2(f2), p1 = up2(p2) + lat1(f1),
 *             lat = conv 1x1 to cf channels, up2 bilinear;
 *   map-to-style heads (one per style slot): log2(size) convs 3x3 stride 2 (cf -> cf) down to 1x1, then
 *             a fully connected layer cf -> D.  Slots 0..2 read p3 (coarse), 3..6 p2 (middle), the rest
 *             p1 (fine) - e4e's split of 18 slots, cut at the same places;
 *   codes:    w = w_avg + head_0(p3); slot i = w + Delta_i with Delta_i = head_i for the first `active`
 *             offsets (1 <= i <= active), slot i = w for the others (their heads are not run):
 *             progressive training releases the offsets one by one.  active = 0: a W code; L - 1: full W+.
 * Every layer has an equalised learning rate (weights N(0,1) scaled by 1/sqrt(fan in) at run time),
 * leaky ReLU 0.2 x sqrt 2; the heads' last layer starts at a tenth of that scale (codes start near w_avg).
 *
 * Latent discriminator: w [M,D] -> 3 x (fully connected D -> 256, leaky ReLU) -> fully connected -> [M,1]. */
#ifndef MG_ENCODER_H
#define MG_ENCODER_H
#include "models/sg2_layers.h"
#include "models/stylegan2.h"

#define ENC_MAX_SLOTS SG2_MAX_WS
#define ENC_MAX_HEAD_CONVS 8

typedef struct EncSpec {
    int resolution, channels;        /* of the generator's images, 16..256 */
    int w_dim, num_ws;               /* the generator's D and L */
    int width;                       /* c0: backbone channels at R/2 (32) */
    int feat;                        /* cf: pyramid and head channels (64) */
} EncSpec;

/* a convolution with equalised learning rate, any stride, optional leaky ReLU */
typedef struct EncConv {
    Tensor *w, *b;                   /* [O,I,k,k], [O] */
    int k, stride, act;
} EncConv;

typedef struct EncStage { EncConv conv0, conv1, skip; } EncStage;

typedef struct EncHead {
    int level;                       /* 0 coarse (p3), 1 middle (p2), 2 fine (p1) */
    int nconv;
    EncConv conv[ENC_MAX_HEAD_CONVS];
    EqLinear out;                    /* cf -> D */
} EncHead;

typedef struct Encoder {
    EncSpec s;
    ParamStore *ps;                  /* the parameters (owned) */
    EncConv stem, lat[3];
    EncStage stage[3];
    EncHead head[ENC_MAX_SLOTS];
    Tensor *w_avg;                   /* [D], a parameter-store entry (kept in checkpoints; not trained) */
} Encoder;

/* Level of style slot i of L: 0 coarse, 1 middle, 2 fine */
int enc_slot_level(int i, int L);
/* Builds the parameters (finalised store) and initialises them from init; w_avg [D] copied (NULL: 0).
 * 0 or -1 + mg_error (resolution not a power of two in 16..256, sizes out of range). */
int encoder_init(Encoder *e, EncSpec s, const float *w_avg, Rng *init);
void encoder_free(Encoder *e);
/* x [N,C,R,R] -> codes [N,L,D] with `active` offsets (0..L-1).  dnorm (may be NULL): per image
 * sum_{i=1..active} |Delta_i|_2 [N] (a tensor of zeros when active = 0). */
Tensor *encoder_forward(const Encoder *e, Tensor *x, int active, Tensor **dnorm);

typedef struct LatentDisc {
    ParamStore *ps;                  /* owned */
    EqLinear fc[4];
} LatentDisc;
void latent_disc_init(LatentDisc *d, int w_dim, int hidden, Rng *init);
void latent_disc_free(LatentDisc *d);
Tensor *latent_disc(const LatentDisc *d, Tensor *w);          /* [M,D] -> logits [M,1] */
#endif
