/* One GAN training step over a GanModel: n_critic D updates then one G update.
 *
 * D iteration k of step s uses real batch number s * n_critic + k (from the caller's batch
 * function, so the data order is a function of the step and resume is exact) and fresh z
 * (and eps for the penalty) from the trainer's Rng.  The G update:
 *   fresh_z = 0 and n_critic = 1: reuses the fake of the D iteration (the course / peer loop);
 *   otherwise it draws a new z and generates again.
 * joint_d = 1: D sees real and fake as one batch (concatenated along N) in both updates, so its
 * batch norm normalises them together; 0: D runs on real and fake separately (the peer loop).
 * Conditional models: the fakes of a step are generated for the classes of its real batch, and D
 * judges every image (real, fake, penalty mix) with those classes. */
#ifndef MG_GAN_STEP_H
#define MG_GAN_STEP_H
#include "core/rng.h"
#include "optim/optim.h"
#include "train/gan_loss.h"
#include "train/gan_model.h"

/* real batch number `index`: batch * channels * size * size floats, valid until the next call;
 * *labels: their classes (needed by a conditional model; may be set to NULL otherwise) */
typedef const float *(*GanBatchFn)(void *ctx, long index, const int **labels);

typedef struct GanTrainer {
    GanModel *m;
    Adam opt_g, opt_d;
    Ema *ema;                   /* NULL, or an EMA of G's values updated after each G step */
    GanLoss loss;
    float gp_lambda;            /* wgan-gp: 10 */
    float smooth;               /* bce: one-sided label smoothing of the real target */
    int n_critic, fresh_z, joint_d;
    int batch;
    float *z, *eps;             /* [batch * z_dim], [batch]: owned */
    int *labels2;               /* [2 batch]: the real classes twice (joint D batch) */
} GanTrainer;

typedef struct GanStepResult {
    float loss_d, loss_g, gp;   /* of the last D iteration (loss_d includes lambda * gp) and of the G update */
} GanStepResult;

void gan_trainer_init(GanTrainer *t, GanModel *m, GanLoss loss, int batch);   /* defaults: Adam 2e-4 (0.5, 0.999), 1 critic */
void gan_trainer_free(GanTrainer *t);
GanStepResult gan_train_step(GanTrainer *t, long step, GanBatchFn real, void *ctx, Rng *rng);
#endif
