/* The encoder ablation of the study (e4e's table): six configurations trained the same way, briefly,
 * and their losses on training and validation images.
 *   A  W+ baseline: every offset from the start, no offset regularisation, no latent discriminator
 *   B  A + progressive release of the offsets
 *   C  B + offset regularisation (delta_reg of the base options, e4e: 2e-4)
 *   D  C + latent discriminator (adv of the base options, e4e: 0.1) = full e4e
 *   E  D with L2 weight / 2 and perceptual weight x 2   (L2 down, perceptual up)
 *   F  D with L2 weight x 2 and perceptual weight / 2   (L2 up, perceptual down)
 * Evaluation (no graph): mean L2, mean perceptual distance, mean d-reg (sum_i |Delta_i|_2) and, for the
 * configurations with a latent discriminator, its adversarial loss mean softplus(-Dw(code slot)) over the
 * released slots (what the encoder minimises); NAN where there is none. */
#ifndef MG_ABLATION_H
#define MG_ABLATION_H
#include "inversion/encoder_train.h"

#define ABL_N 6

/* configuration k (0..5 = A..F) from base options (whose progressive_every, delta_reg, adv, l2 and
 * perceptual are the "on" values); *label gets "A".."F", *what a short description */
EncTrainOpts ablation_config(const EncTrainOpts *base, int k, const char **what);

typedef struct AblationScore { double l2, perc, dreg, adv; } AblationScore;
/* scores of encoder e (with ld, or NULL) on x [n,C,R,R] */
AblationScore ablation_score(GanModel *m, const Encoder *e, const LatentDisc *ld, int active, const float *x, int n);
#endif
