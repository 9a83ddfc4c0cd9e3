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
#endif
