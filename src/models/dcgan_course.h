/* The course DCGAN (28x28 grayscale, the GAN lectures the project grew from), as plain functions
 * over the op API, and its training step for two losses.
 *
 * G: z[N,Z,1,1] -> ConvT(Z->4w, k3 s2) BN ReLU -> ConvT(4w->2w, k4 s1) BN ReLU
 *               -> ConvT(2w->w, k3 s2) BN ReLU -> ConvT(w->1, k4 s2) Tanh -> [N,1,28,28]
 *    spatial 1 -> 3 -> 6 -> 13 -> 28;  the course model has Z = 64, w = 64.
 * D: x[N,1,28,28] -> Conv(1->d, k4 s2) [BN] LReLU(0.2) -> Conv(d->2d, k4 s2) [BN] LReLU(0.2)
 *               -> Conv(2d->1, k4 s2) -> logits [N,1,1,1];  spatial 28 -> 13 -> 5 -> 1;  d = 16.
 *    The WGAN-GP critic has no batch norm (a per-sample gradient penalty needs per-sample outputs).
 *
 * Parameters live in one ParamStore per network, named as the PyTorch state_dict of the peer's
 * nn.Sequential ("0.0.weight" = block 0's conv, "0.1.weight" = block 0's BN gamma, ...).  BN running
 * statistics are not parameters: they live in a DcganBn buffer beside the store (layer i of it is
 * the BN "<block>.1" of block i).  Initialisation is PyTorch's default (kaiming_uniform a=sqrt(5):
 * U(+-1/sqrt(fan_in)) for weights and biases, fan_in = w.shape[1]*k*k as torch computes it for
 * both conv kinds; BN gamma 1, beta 0, running mean 0, var 1) drawn from the project's Rng. */
#ifndef MG_DCGAN_COURSE_H
#define MG_DCGAN_COURSE_H
#include "ops/ops.h"
#include "optim/optim.h"

typedef struct DcganConfig {
    int z_dim;          /* 64 */
    int g_width;        /* 64: G channels 4w, 2w, w */
    int d_width;        /* 16: D channels d, 2d */
    int d_bn;           /* 1: BN in D (BCE); 0: WGAN-GP critic */
} DcganConfig;

DcganConfig dcgan_course_config(int d_bn);     /* the course sizes */

#define DCGAN_MAX_BN 3

/* BN running statistics of one network: layer i uses st[i] (means and variances in mem). */
typedef struct DcganBn {
    int n;
    BatchNormStats st[DCGAN_MAX_BN];
    float *mem;                         /* [all running means | all running variances] */
    int mem_borrowed;                   /* mem lives in a checkpointed store (dcgan_bn_rebind) */
} DcganBn;

/* channels of all layers of bn together (mem holds 2x that many floats) */
int dcgan_bn_channels(const DcganBn *bn);
/* Moves bn's statistics into t (2 * dcgan_bn_channels floats, e.g. a tensor of a buffer store that
 * checkpoints save) and points the layers there; t's memory stays its owner's. */
void dcgan_bn_rebind(DcganBn *bn, Tensor *t);
/* Takes the statistics back into memory of bn's own (before the store they were moved to is freed). */
void dcgan_bn_own(DcganBn *bn);

typedef struct DcganG {
    DcganConfig cfg;
    ParamStore *ps;
    Tensor *w[4], *b[4];                /* w[i] [Ci,Co,k,k] (ConvTranspose2d layout), b[i] [Co] */
    Tensor *gamma[3], *beta[3];         /* [Co] of blocks 0..2 */
    DcganBn bn;
} DcganG;

typedef struct DcganD {
    DcganConfig cfg;
    ParamStore *ps;
    Tensor *w[3], *b[3];                /* w[i] [Co,Ci,4,4], b[i] [Co] */
    Tensor *gamma[2], *beta[2];         /* NULL when cfg.d_bn == 0 */
    DcganBn bn;                         /* n == 0 without BN */
} DcganD;

void dcgan_g_init(DcganG *g, DcganConfig cfg, Rng *rng);
void dcgan_d_init(DcganD *d, DcganConfig cfg, Rng *rng);
/* Re-draws the parameters with the DCGAN paper's initialisation (models/dcgan_init.c):
 * weights N(0, std), BN gamma N(1, std), biases and beta 0; std = 0.02 in the paper. */
void dcgan_g_init_normal(DcganG *g, Rng *rng, float std);
void dcgan_d_init_normal(DcganD *d, Rng *rng, float std);
/* The store of the course DCGAN's non-parameter buffers, as train-course checkpoints it (part "bn."):
 * "G.bn" and, when D has batch norm, "D.bn"; both networks' statistics are rebound into it. */
ParamStore *dcgan_bn_buffers(DcganG *g, DcganD *d);
void dcgan_g_free(DcganG *g);
void dcgan_d_free(DcganD *d);

/* z [N,Z,1,1] -> images [N,1,28,28] in (-1,1).  training: BN uses batch statistics and updates
 * the running ones; otherwise BN uses the running statistics. */
Tensor *dcgan_g_forward(DcganG *g, Tensor *z, int training);
/* x [N,1,28,28] -> logits [N,1,1,1] */
Tensor *dcgan_d_forward(DcganD *d, Tensor *x, int training);

/* Analytic multiply-adds of one forward pass per image (conv: Co*Ho*Wo*Ci*k*k; conv-transpose:
 * Ci*H*W*Co*k*k). */
double dcgan_g_macs(DcganConfig cfg);
double dcgan_d_macs(DcganConfig cfg);

/* ---- training ---- */
typedef enum { DCGAN_BCE, DCGAN_WGAN_GP } DcganLoss;

/* Phases of a training step, for profiling (seconds accumulated when DcganTrainer.times is set). */
enum { DCGAN_T_G_FWD, DCGAN_T_D_LOSS, DCGAN_T_D_BWD, DCGAN_T_D_ADAM, DCGAN_T_G_LOSS, DCGAN_T_G_BWD, DCGAN_T_G_ADAM,
       DCGAN_T_N };
extern const char *const dcgan_phase_names[DCGAN_T_N];

typedef struct DcganTrainer {
    DcganG *g;
    DcganD *d;
    Adam opt_g, opt_d;                  /* lr 2e-4, betas (0.5, 0.999) */
    DcganLoss loss;
    float gp_lambda;                    /* 10 */
    double *times;                      /* NULL, or DCGAN_T_N accumulators (seconds) */
} DcganTrainer;

/* What one step computed; the tensors live until the next step resets the arena. */
typedef struct DcganStep {
    float loss_d, loss_g, gp;           /* gp: 0 for BCE */
    Tensor *fake;                       /* [N,1,28,28] = G(z) */
    Tensor *d_fake, *d_real;            /* D's outputs [N,1,1,1] in the D step */
    Tensor *d_fake_g;                   /* D's output on fake in the G step (after D's update) */
} DcganStep;

void dcgan_trainer_init(DcganTrainer *t, DcganG *g, DcganD *d, DcganLoss loss);

/* D losses (scalars), as the peer script: x_fake is G's output cut from the graph.
 * BCE: (bce(D(fake), 0) + bce(D(real), 1)) / 2.
 * WGAN-GP: mean D(fake) - mean D(real) + lambda * gp, gp = mean_n (|d sum D(mix) / d mix_n|_2 - 1)^2,
 * mix = eps * real + (1 - eps) * fake, eps [N,1,1,1]; the gradient is taken with create_graph so the
 * penalty is differentiated again by the backward pass.  out_* may be NULL. */
Tensor *dcgan_d_loss(DcganTrainer *t, Tensor *real, Tensor *fake, Tensor *eps, Tensor **out_gp,
                     Tensor **out_d_fake, Tensor **out_d_real);
Tensor *dcgan_gradient_penalty(DcganD *d, Tensor *real, Tensor *fake, Tensor *eps);
/* G loss through D: bce(D(fake), 1) or -mean D(fake) */
Tensor *dcgan_g_loss(DcganTrainer *t, Tensor *fake, Tensor **out_d_fake);

/* One step of the peer script: fake = G(z) once; D step on fake (detached) and real; Adam on D;
 * G step through D (D frozen: its parameters take no gradient); Adam on G.  Starts with
 * mg_step_reset(), so tensors of the previous step die here.  real [N*784], z [N*Z] and eps [N]
 * (WGAN-GP only, else NULL) are the caller's buffers.  After the call the stores' grads hold the
 * gradients of this step's losses (D: of the D loss, G: of the G loss). */
DcganStep dcgan_train_step(DcganTrainer *t, int n, const float *real, const float *z, const float *eps);
#endif
