/* Optimisation-based projection of images into the latent space of a StyleGAN2-style generator, with
 * the schedule of the reference projector (Karras et al. 2020, stylegan2-ada-pytorch projector.py):
 *   - start from w_avg (inversion/w_stats.h: the mean of 10,000 mapped samples), or from given codes;
 *   - Adam, betas (0.9, 0.999), `steps` steps; learning rate lr * rampdown * rampup with
 *     t = step / steps, rampdown = 0.5 - 0.5 cos(pi min(1, (1 - t) / 0.25)), rampup = min(1, t / 0.05);
 *   - Gaussian noise added to the code at each step, std = w_std * w_noise * max(0, 1 - t / 0.75)^2
 *     (w_noise 0.05 in the reference);
 *   - loss per image = l2_weight * L2 + perc_weight * perceptual (inversion/perceptual.h, on the
 *     discriminator's features, or LPIPS-VGG's with o->lpips) + noise_reg * autocorrelation of the noise maps (inversion/noise_maps.h),
 *     summed over the batch: the images of a batch are independent problems (per-image losses; the
 *     networks process each image on its own);
 *   - optional noise-map optimisation (noise_opt): maps start as N(0, 1) draws, are optimised with the
 *     codes and renormalised after each step; otherwise the model's fixed evaluation noise is used.
 * Spaces: W optimises one w per image (codes = w repeated num_ws times); W+ one w per style slot.
 * Grey or RGB: whatever the generator makes.  The generator and discriminator are frozen (their
 * gradients are not computed) and restored unfrozen on return. */
#ifndef MG_PROJECT_H
#define MG_PROJECT_H
#include "inversion/perc_net.h"
#include "inversion/w_stats.h"
#include "optim/optim.h"
#include "train/gan_model.h"
#include <stdint.h>

typedef enum { SPACE_W = 0, SPACE_WPLUS = 1 } LatentSpace;

typedef struct ProjectOpts {
    LatentSpace space;
    int steps;                  /* 1000 */
    float lr;                   /* 0.1 */
    float rampup, rampdown;     /* 0.05, 0.25 (fractions of the run) */
    float w_noise, noise_ramp;  /* 0.05, 0.75 */
    int noise_opt;              /* 0 */
    float noise_reg;            /* 1e5 */
    float l2, perceptual;       /* loss weights, 1 and 1 */
    float beta1, beta2;         /* 0.9, 0.999 */
    uint64_t seed;              /* noise maps' start and the code noise */
    int frame_every;            /* keep the reconstruction every k steps for an animation (0: none) */
    const LpipsVgg *lpips;      /* the perceptual distance on LPIPS-VGG; NULL: on the discriminator's features */
} ProjectOpts;

ProjectOpts project_defaults(void);
/* Learning rate and code-noise std at step (0-based) of o->steps. */
void project_schedule(const ProjectOpts *o, int step, float w_std, float *lr, float *noise_std);

typedef struct ProjectOut {
    int n, L, D, C, R;
    float *codes;               /* [n,L,D] final codes (W: rows equal) */
    float *images;              /* [n,C,R,R] reconstructions from the final codes (and noise) */
    float *l1, *l2, *perc;      /* [n] distances of the reconstructions to the targets */
    int n_noise;                /* noise_opt: the optimised maps, noise[k] [n,1,r_k,r_k]; else 0 */
    float **noise;
    int *noise_res;
    int nframes;                /* frames [nframes][n,C,R,R]: the image at steps 0, k, 2k, ... and the final one */
    float *frames;
    float *loss;                /* [steps] total loss of the batch at each step */
} ProjectOut;

/* The projection as an object, step by step (project_batch runs it whole):
 *   projector_init: targets [n,C,R,R] in (-1,1); init [n,L,D] codes to start from, or NULL (w_avg); in W
 *       space an init's L rows are averaged.  Freezes G and D.  0, or -1 + mg_error.
 *   projector_step: one Adam step of the schedule (steps 0 .. o->steps-1 in order); the batch's loss.
 *   projector_finish: the result, frees the projector, unfreezes G and D. */
typedef struct Projector {
    GanModel *m;
    const Sg2 *g;
    const WStats *st;
    ProjectOpts o;
    int n;
    const float *targets;
    ParamStore *vars;           /* the variables: */
    Tensor *v;                          /* codes: [n,D] (W) or [n,L,D] (W+) */
    Tensor *noise[2 * SG2_MAX_BLOCKS];  /* noise_opt: maps [n,1,r,r]; else NULL */
    Adam opt;
    Rng rng;
    PercNet perc;                       /* the perceptual distance's network */
    float *target_unit[PERC_MAX_FEATURES];    /* its unit features of the targets */
    ProjectOut out;                     /* frames and loss filled while stepping */
    int max_frames;
} Projector;
int projector_init(Projector *p, GanModel *m, const WStats *st, const float *targets, int n, const float *init,
                   const ProjectOpts *o);
float projector_step(Projector *p, int step);
void projector_finish(Projector *p, ProjectOut *out);
/* The loss of codes ws [n,L,D] with noise maps noise[k] (the model's own where noise == NULL) against the
 * projector's targets: sum over images of l2 * L2 + perceptual * perc (+ noise_reg * autocorrelation of
 * the projector's optimised maps).  *l2, *perc, *img (each may be NULL): the per-image [n] terms (perc NULL
 * when its weight is 0) and the images [n,C,R,R]. */
Tensor *projector_loss(const Projector *p, Tensor *ws, Tensor *const *noise, Tensor **l2, Tensor **perc, Tensor **img);

/* The whole run: projector_init, o->steps projector_step, projector_finish.  0 or -1 + mg_error. */
int project_batch(GanModel *m, const WStats *st, const float *targets, int n, const float *init, const ProjectOpts *o,
                  ProjectOut *out);
void project_out_free(ProjectOut *out);
#endif
