/* The epilogue of a StyleGAN2 layer in one pass (CPU version: kernels/cpu/bias_act.c).
 * out[n,c,p] = v * (v > 0 ? gain : slope * gain) with v = x[n,c,p] * s[n,c] + noise[n',p] + b[c], for rows
 * of P = H*W pixels; s, noise and b may be NULL (left out); noise (already scaled by its strength) has N images
 * (n' = n) or one (n' = 0); slope 1 and gain 1 is no activation.  Each step is rounded as the separate ops
 * round it (mul, add, add, mask_mul in that order), so the result is bitwise theirs. */
#ifndef MG_K_BIAS_ACT_H
#define MG_K_BIAS_ACT_H

typedef struct {
    int N, C, P;               /* x and out are [N, C, P] */
    const float *s;            /* [N, C] or NULL */
    const float *noise;        /* [noise_n, P] or NULL */
    int noise_n;               /* 1 or N */
    const float *b;            /* [C] or NULL */
    float slope, gain;
} BiasAct;

void cpu_bias_act(const BiasAct *e, const float *x, float *out);

/* Its gradients from g = dL/dout in one pass, for N > 1, C > 1, P > 1 and noise of N images (the caller keeps the
 * separate ops otherwise): t = g * (out > 0 ? gain : slope * gain) (g itself for slope 1, gain 1);
 * dx = t * s (t without s) [N,C,P]; ds[n,c] = sum_p t x [N,C]; dnoise[n,p] = sum_c t [N,P]; db[c] = sum t [C].
 * Each sum is formed in the order and precision of the reduction kernel (kernels/reduce.h) on the separate
 * ops' tensors, so the results are bitwise theirs.  Outputs that are NULL are not computed; the caller
 * gives the scratch (no allocation in the training loop). */
typedef struct {
    float *dx, *ds, *dnoise, *db;
    double *noise_acc;          /* scratch with dnoise: [threads, P] */
    float *row_sums;            /* scratch with db: [N, C] */
    int threads;                /* threads noise_acc has room for (at least the kernel's) */
} BiasActGrads;
void cpu_bias_act_backward(const BiasAct *e, const float *g, const float *out, const float *x, BiasActGrads *d);
#endif
