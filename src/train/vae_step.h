/* One VAE training step on a GanModel whose G is the decoder and whose D is the encoder
 * (model_dcgan with d_out = 2 z_dim):
 *   h = E(x) [N,2Z,1,1];  mu = h[:, :Z], logvar = h[:, Z:];  z = mu + exp(logvar / 2) eps, eps ~ N(0, 1);
 *   recon = sum over pixels of (G(z) - x)^2, mean over N  (mg_mse x pixels per image)
 *   kl = KL(N(mu, e^logvar) || N(0, 1)) summed over Z, mean over N  (mg_gaussian_kl)
 *   loss = recon + beta kl; one Adam step on both networks.
 * Batch number `step` from the batch function, eps from rng (so resume is exact, as for GANs). */
#ifndef MG_VAE_STEP_H
#define MG_VAE_STEP_H
#include "train/gan_step.h"

typedef struct VaeStepResult {
    float recon, kl, loss;
} VaeStepResult;

/* t: a GanTrainer used for its model, optimisers (opt_g: decoder, opt_d: encoder), EMA, batch and
 * z buffer; beta: the KL weight */
VaeStepResult vae_train_step(GanTrainer *t, float beta, long step, GanBatchFn real, void *ctx, Rng *rng);
#endif
