/* Training the e4e-style encoder (inversion/encoder.h) against a frozen generator, and using it.
 *
 * One step on a batch of B images: round(B gen_frac) generated images G(w), w = mapping(z), constant
 * noise maps, and the rest drawn from the real training images (all generated when there are none, or
 * when the reconstruction losses are off).  With codes = E(x) (the first `active` offsets released,
 * enc_active) and y = G(codes):
 *   loss_E = l2 * mean L2(y, x) + perceptual * mean perc(y, x)          (recon; inversion/perceptual.h)
 *          + delta_reg * mean_N sum_{i<=active} |Delta_i|_2                (e4e's offset regularisation)
 *          + adv * mean_{i<=active} mean_N softplus(-Dw(codes_i))          (e4e's latent discriminator)
 *          + consistency * mean over generated images, slots, dims of (codes - w)^2   (ALAE-style)
 * then one Adam step of E.  With adv > 0 the latent discriminator Dw takes a step too: real = mapping(z)
 * for B fresh z, fake = slot 0 of the codes (as e4e), loss softplus(-Dw(real)) + softplus(Dw(fake)),
 * and every r1_every steps R1 = r1_gamma / 2 * mean |grad_w Dw(real)|^2 (times r1_every, lazy).
 * Progressive training: active = min(L - 1, step / progressive_every) (0 = all offsets from step 0). */
#ifndef MG_ENCODER_TRAIN_H
#define MG_ENCODER_TRAIN_H
#include "inversion/encoder.h"
#include "optim/optim.h"
#include "train/gan_model.h"
#include "models/lpips_vgg.h"
#include <stdint.h>

typedef struct EncTrainOpts {
    int steps, batch;               /* 2000, 8 */
    float lr, beta1, beta2;         /* E's Adam: 0.005, 0.9, 0.999 */
    float gen_frac;                 /* share of generated images in a batch (0.5) */
    int recon;                      /* 1: L2 + perceptual reconstruction losses; 0: consistency alone (ALAE) */
    float l2, perceptual;           /* 1, 0.8 (e4e's lpips_lambda) */
    float delta_reg;                /* 2e-4 (e4e) */
    float adv, lr_d, r1_gamma;      /* 0.1, 2e-4 (e4e: 2e-5 with the encoder at 1e-4; the same ratio), 10 */
    int r1_every;                   /* 16 */
    float consistency;              /* 1 (0: off); with lr 0.005 the CPU-budget setting of docs/inversion.md */
    int progressive_every;          /* 0: every offset from the start */
    const LpipsVgg *lpips;          /* the perceptual loss on LPIPS-VGG; NULL: on D's features (reported
                                     * distances, enc_encode / enc_decode, always use D's features) */
    uint64_t seed;
} EncTrainOpts;

EncTrainOpts enc_train_defaults(void);
int enc_active(const EncTrainOpts *o, long step, int num_ws);

typedef struct EncStepStats {
    int active;
    float loss, l2, perc, dreg, adv, cons;   /* E's terms (batch means, before weights) */
    float d_loss, r1;                        /* the latent discriminator's */
} EncStepStats;

typedef struct EncTrainer {
    GanModel *m;
    Encoder *e;
    LatentDisc *ld;                 /* NULL when adv == 0 */
    EncTrainOpts o;
    Adam opt_e, opt_d;
    Rng rng;
    const float *real;              /* [n_real,C,R,R] in [-1,1], borrowed */
    int n_real;
    long step;                      /* steps taken */
    float *x, *wgen, *fake;         /* scratch: batch images, generated w's, fake codes for Dw */
} EncTrainer;

/* Freezes G and D (they stay frozen until enc_trainer_free).  0 or -1 + mg_error. */
int enc_trainer_init(EncTrainer *t, GanModel *m, Encoder *e, LatentDisc *ld, const float *real, int n_real,
                     const EncTrainOpts *o);
EncStepStats enc_train_step(EncTrainer *t);
void enc_trainer_free(EncTrainer *t);

/* Encodes n images x [n,C,R,R] in chunks (no graph): codes [n,L,D]; recon (may be NULL) [n,C,R,R]
 * G(codes) with the constant noise; l1, l2, perc (may be NULL) [n] distances of recon to x. */
void enc_encode(GanModel *m, const Encoder *e, const float *x, int n, int active, float *codes, float *recon, float *l1,
                float *l2, float *perc);
/* Reconstructions and distances of given codes [n,L,D] (the same quantities as enc_encode's) */
void enc_decode(GanModel *m, const float *codes, const float *x, int n, float *recon, float *l1, float *l2, float *perc);
#endif
