/* A StyleGAN2-style generator and discriminator (Karras et al. 2020, "config F" layout at small
 * widths), built from the layers of models/sg2_layers.h.
 *
 * Mapping: z [N,Z] -> normalise (x / rms(x)) -> map_layers x (EqLinear lr_mul 0.01, leaky ReLU) -> w [N,Wd].
 * Synthesis at resolution R = 4 * 2^k: a learned constant [C4,4,4]; block 4: conv, toRGB; block r
 * (8..R): conv0 (bilinear 2x up), conv1, toRGB; img = up2(img) + toRGB(x).  Layer j of the
 * num_ws = 2 k + 2 style slots is used by the j-th modulated conv; each toRGB uses the slot after
 * its block's last conv (StyleGAN2's numbering).  ws [N,num_ws,Wd] (W+; W repeats one w).
 * Discriminator (residual): fromRGB 1x1 -> per block r = R..8: conv 3x3, conv 3x3 + avgpool 2,
 * skip avgpool 2 + 1x1 (no bias), (skip + x) / sqrt 2 -> at 4x4: minibatch stddev (group 4, one
 * feature), conv 3x3, fc, fc -> [N,1].
 * Channels at resolution r: min(ch_base / r, ch_max).
 * Conditional (c_dim > 0): a label embedding joins z in the mapping; D projects its features on an
 * embedding of the label (see sg2_mapping, sg2_discriminator).
 * Progressive growing (grow: docs/stylegan2.md): both networks run at a stage s (top block s,
 * resolution r_s = 4 * 2^s, 1 <= s <= nblocks - 1) with a fade-in alpha in [0, 1]:
 *   G: blocks 0..s only, img = up2(img_{s-1}) + alpha toRGB_s(x_s), then bilinear upsampling to R;
 *   D: img pooled to r_s, x = alpha block_s(fromRGB_s(img_s)) + (1 - alpha) fromRGB_{s-1}(avgpool2(img_s)),
 *      then blocks s-1..1 and the epilogue; fromRGB_r for r < R are the layers "D.fromrgb<r>" (grow only).
 * The full stage (s = nblocks - 1, alpha 1) is the plain network, operation for operation.
 * Differences from the reference: bilinear up/down-sampling (avgpool) instead of FIR filters
 * (the same [1,3,3,1] kernel up to borders), no fp16 clamping, no fused modconv. */
#ifndef MG_STYLEGAN2_H
#define MG_STYLEGAN2_H
#include "models/sg2_layers.h"

#define SG2_MAX_BLOCKS 7                 /* 4 .. 256 */
#define SG2_MAX_WS (2 * SG2_MAX_BLOCKS)
#define SG2_MAX_MAP 8

typedef struct Sg2Spec {
    int resolution, channels;            /* 8..256 (power of two), 1 or 3 */
    int z_dim, w_dim, map_layers;        /* 512/512/8 in the paper */
    int ch_base, ch_max;                 /* channels min(ch_base / r, ch_max) at resolution r */
    int mbstd_group;                     /* 4 */
    int c_dim;                           /* classes of a conditional model (label embedding), 0 = unconditional */
    int grow;                            /* 1: progressive growing (adds D's lower-resolution fromRGB layers) */
} Sg2Spec;

typedef struct Sg2 {
    Sg2Spec s;
    int nblocks, num_ws;                 /* blocks 4, 8, .., R */
    /* generator */
    EqLinear map[SG2_MAX_MAP];
    EqLinear embed;                      /* conditional: one-hot c [N,K] -> [N,Wd], concatenated (normalised) to z */
    Tensor *const_input;                 /* [C4,4,4] */
    ModConv conv0[SG2_MAX_BLOCKS], conv1[SG2_MAX_BLOCKS], torgb[SG2_MAX_BLOCKS];   /* conv0 unused in block 0 */
    Tensor *w_avg;                       /* buffer [Wd]: moving average of w (truncation centre) */
    /* discriminator */
    EqConv fromrgb, dconv0[SG2_MAX_BLOCKS], dconv1[SG2_MAX_BLOCKS], dskip[SG2_MAX_BLOCKS];   /* index = block, 1..nblocks-1 */
    EqConv econv;                        /* epilogue at 4x4 */
    EqLinear efc, eout;                  /* eout: [N,C4] -> [N,1], or [N,C4] (cmap) when conditional */
    EqLinear dembed, dmap[SG2_MAX_MAP];  /* conditional: c [N,K] -> cmap [N,C4] (the projection discriminator) */
    EqConv dfromrgb[SG2_MAX_BLOCKS];     /* grow: fromRGB at resolution 4 << b for blocks 1..nblocks-2 ("D.fromrgb<r>") */
    /* the stage both networks run at (progressive growing); sg2_add sets the full one */
    int stage;                           /* top block, 1..nblocks-1 */
    float alpha;                         /* fade-in of the top block, [0, 1] */
} Sg2;

int sg2_channels(const Sg2Spec *s, int res);
/* Adds the parameters (G into g_ps, D into d_ps, w_avg and noise buffers into buffers) and
 * initialises them from init once the stores are finalised by the caller: call sg2_add, finalise
 * the three stores, then sg2_init_values.  0 or -1 + mg_error (bad spec). */
int sg2_add(Sg2 *g, Sg2Spec s, ParamStore *g_ps, ParamStore *d_ps, ParamStore *buffers);
void sg2_init_values(Sg2 *g, Rng *init);
/* Sets the stage of both networks: top block stage (1..nblocks-1), fade-in alpha in [0, 1]; a stage
 * below the full one needs a grow model, and alpha < 1 needs stage >= 2 (D fades from fromRGB_{s-1}).
 * A bad stage is a programming error (MG_CHECK). */
void sg2_set_stage(Sg2 *g, int stage, float alpha);
int sg2_stage_res(const Sg2 *g);                 /* 4 << stage */
int sg2_full_stage(const Sg2 *g);                /* 1: stage nblocks - 1 with alpha 1 (the plain networks) */

/* z [N,Z] (and for a conditional model the one-hot classes c [N,K], else NULL) -> w [N,Wd].
 * Conditional (the reference's label embedding): x = [z / rms(z), e / rms(e)] with e = embed(c).
 * psi < 1: truncation w_avg + psi (w - w_avg). */
Tensor *sg2_mapping(const Sg2 *g, Tensor *z, Tensor *c, float psi);
/* the one-hot classes [n,K] of labels[n] (a constant), or NULL for an unconditional model;
 * labels NULL: class i mod K for row i */
Tensor *sg2_onehot(const Sg2 *g, int n, const int *labels);
/* w_avg <- w_avg + (1 - beta) (mean_N w - w_avg), beta 0.995 in the reference (not an op). */
void sg2_track_w_avg(Sg2 *g, const Tensor *w, float beta);
/* w [N,Wd] -> ws [N,num_ws,Wd] (W as W+) */
Tensor *sg2_broadcast_w(const Sg2 *g, Tensor *w);
/* style mixing: slots < cutoff from a, the rest from b (both [N,num_ws,Wd]) */
Tensor *sg2_mix(const Sg2 *g, Tensor *a, Tensor *b, int cutoff);
/* ws [N,num_ws,Wd] -> images [N,C,R,R] (linear output, about (-1, 1)); at a lower stage the image of
 * resolution r_s upsampled (bilinear) to R; slots of blocks above the stage are unused. */
Tensor *sg2_synthesis(const Sg2 *g, Tensor *ws, Sg2NoiseMode mode, Rng *rng);
/* images [N,C,R,R] (and c [N,K] for a conditional model, else NULL) -> logits [N,1] (at the current stage).
 * Conditional (projection, as the reference): logit = <out(x), cmap(c)> / sqrt(C4), with cmap(c) the
 * embedding of c through map_layers fully connected layers (learning-rate multiplier 0.01). */
Tensor *sg2_discriminator(const Sg2 *g, Tensor *img, Tensor *c);
/* minibatch standard deviation feature: x [N,C,H,W] -> [N,C+1,H,W] (groups of min(group, N)) */
Tensor *sg2_mbstd(Tensor *x, int group);
#endif
