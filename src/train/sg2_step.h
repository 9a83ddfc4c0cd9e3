/* One StyleGAN2 training step (the reference's phases Dmain, Dreg, Gmain, Greg):
 *   D:  softplus(D(aug G(z))) + softplus(-D(aug x)), one Adam step;
 *       every r1_interval steps also  r1_interval * gamma/2 * mean_N |grad_x D(aug x)|^2  (lazy R1);
 *   G:  softplus(-D(aug G(z))) with style mixing (probability mixing: one cutoff per batch), Adam step;
 *       every pl_interval steps also  pl_interval * pl_weight * mean (|J_w^T y| - a)^2 on batch/2,
 *       y ~ N(0, 1/(R R)) per pixel, |.| over the ws slots as in the reference
 *       (sqrt(mean_slots sum_Wd g^2)), a <- a + pl_decay (mean |.| - a)  (lazy path length).
 * Lazy regularisation rescales Adam: lr c, betas^c with c = interval / (interval + 1) (set by
 * sg2_trainer_init).  Conditional models (net->s.c_dim > 0): G and D see the classes (the fakes'
 * drawn from label_pool, the reals' from the batch); set label_pool before the first step.  Progressive
 * growing (grow_kimg > 0): G, D, R1 and path length of the step all run at the stage of step * batch images
 * shown (train/sg2_grow.h), a function of the step, so resume stays exact.  Real batch number `step` serves D and R1; every random draw (z, mixing,
 * noise, augmentation) comes from the caller's Rng in a fixed order, so resume is exact. */
#ifndef MG_SG2_STEP_H
#define MG_SG2_STEP_H
#include "train/gan_step.h"
#include "train/model_stylegan2.h"

typedef struct Sg2Augment {
    Tensor *(*apply)(void *ctx, Tensor *x, Rng *rng);          /* differentiable; NULL: no augmentation */
    void (*observe_real)(void *ctx, const Tensor *logits);      /* D(aug x) of each D step (ADA), or NULL */
    void *ctx;
} Sg2Augment;

typedef struct Sg2Trainer {
    GanModel *m;
    Sg2 *net;
    Adam opt_g, opt_d;
    Ema *ema;
    int batch;
    float r1_gamma, pl_weight, pl_decay, mixing, w_avg_beta;
    float ema_kimg, ema_rampup;   /* G EMA half-life in kimg (reference: batch 10/32), ramp-up 0.05 of the images shown */
    int r1_interval, pl_interval;
    Sg2Augment aug;
    float *z, *z2;              /* [batch, Z] each */
    /* conditional models: the classes of the fakes are drawn from the training labels (as the
     * reference draws them from the dataset); the real batch brings its own */
    const int *label_pool;      /* [label_pool_n] the dataset's labels; NULL for an unconditional model */
    int label_pool_n;
    int *c_fake;                /* [batch] classes of the last sampled fakes */
    double grow_kimg;           /* progressive growing (train/sg2_grow.h): each step runs at the stage of
                                   step * batch images shown; 0 = off (the full networks) */
} Sg2Trainer;

typedef struct Sg2StepResult {
    float loss_d, loss_g, r1, pl;   /* r1 / pl: the penalty of the last regularisation step (before the weights) */
} Sg2StepResult;

/* reference defaults: Adam lr (0.0025) betas (0, 0.99) eps 1e-8, gamma from the caller, pl_weight 2,
 * pl_decay 0.01, mixing 0.9, intervals 16 / 4 */
void sg2_trainer_init(Sg2Trainer *t, GanModel *m, int batch, float lr, float beta1, float beta2, float r1_gamma);
void sg2_trainer_free(Sg2Trainer *t);
Sg2StepResult sg2_train_step(Sg2Trainer *t, long step, GanBatchFn real, void *ctx, Rng *rng);
/* the reference's heuristic for gamma: 0.0002 R^2 / batch */
float sg2_auto_gamma(int resolution, int batch);
#endif
