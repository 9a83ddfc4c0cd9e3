/* Adaptive discriminator augmentation (Karras et al. 2020, "Training generative adversarial
 * networks with limited data"): the controller that tunes the augmentation probability p.
 *
 * Overfitting heuristic r_t = E[sign(D(real))] over the real logits observed during `interval` D
 * steps.  After every `interval` D steps:
 *     p <- clamp(p + sign(r_t - target) * images / (kimg * 1000), 0, p_max)
 * where images is the number of real images the D steps of the interval consumed (batch * interval
 * with a fixed batch, as in the reference).  So p can move by 1 in `kimg` thousand images.  The
 * reference (StyleGAN2-ADA) uses target 0.6, interval 4, kimg 500 and bounds p below only; p_max is
 * the upper bound that keeps rotations and flips from leaking into the samples (docs/augment.md).
 *
 * Use: ada_observe() with the real logits of each D pass on reals (the reference counts the main
 * loss's pass and the lazy-R1 pass), ada_step() once at the end of each D step.
 * All arithmetic is in a fixed order: the same logits give the same p.  The state to checkpoint
 * is ADA_STATE_FLOATS floats (ada_state_save / ada_state_load). */
#ifndef MG_ADA_H
#define MG_ADA_H

#define ADA_STATE_FLOATS 6

typedef struct Ada {
    /* settings */
    float target;          /* 0.6 */
    float p_max;           /* upper bound on p, in [0, 1] */
    float kimg;            /* thousands of images for p to move by 1 (500) */
    int interval;          /* D steps per adjustment (4) */
    /* state */
    float p;               /* current probability */
    float rt;              /* r_t of the last adjustment (for logs; 0 before the first) */
    double sign_sum;       /* sum of sign(D(real)) since the last adjustment */
    long sign_n;           /* number of logits since the last adjustment */
    long images;           /* real images of the D steps since the last adjustment */
    int steps;             /* D steps since the last adjustment */
} Ada;

/* 0, or -1 + mg_error naming the bad setting (target outside (-1,1), p_max or p0 outside [0,1],
 * p0 > p_max, kimg <= 0, interval < 1). */
int ada_init(Ada *a, float target, float p_max, float kimg, int interval, float p0);
/* Adds the signs of n real logits to the interval's statistic (NaN counts as sign 0). */
void ada_observe(Ada *a, const float *real_logits, int n);
/* Ends a D step that consumed `batch` real images.  Returns 1 when this step completed an interval
 * and p was adjusted (p is left alone if no logit was observed in the interval), else 0. */
int ada_step(Ada *a, int batch);

/* state <-> floats: {p, rt, sign_sum, sign_n, images, steps}; every value is exact in float for
 * counts below 2^24.  load checks the values against the settings (0, or -1 + mg_error, nothing
 * changed) and clamps p to p_max, so a run resumed with a lower p_max starts at the new bound. */
void ada_state_save(const Ada *a, float out[ADA_STATE_FLOATS]);
int ada_state_load(Ada *a, const float in[ADA_STATE_FLOATS]);
#endif
