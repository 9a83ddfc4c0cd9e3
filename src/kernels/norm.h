/* Normalisation kernels (raw pointers).  CPU versions: kernels/cpu/norm.c.
 *
 * Layout: x is contiguous and read as [outer, G, S]: G statistic groups, each made of `outer`
 * runs of S contiguous elements (run o of group c starts at (o*G + c)*S).
 *   batch norm    [N,C,H,W]: outer = N, G = C,   S = H*W   (statistics over N,H,W per channel)
 *   instance norm [N,C,H,W]: outer = 1, G = N*C, S = H*W   (statistics over H,W per (n,c))
 * gamma/beta have gC entries; group c uses gamma[c % gC] (gC = C in both cases).  gamma or beta
 * NULL: 1 / 0.  Statistics are accumulated in double: each run's sum, then a group's run sums in
 * increasing o.  Runs are spread over threads in memory order; the order of every sum is fixed, so
 * results do not depend on the thread count. */
#ifndef MG_K_NORM_H
#define MG_K_NORM_H
#include <stddef.h>

/* mean[g], rstd[g] = 1/sqrt(var + eps) with the biased variance, var[g] (may be NULL);
 * y = (x - mean) * rstd * gamma + beta.  Two passes for the statistics, one for y.
 * act != 0: y = leaky_relu(that, slope) (slope >= 0), rounded as the separate activation would. */
void cpu_norm_forward(int outer, int G, long S, int gC, const float *x, const float *gamma, const float *beta,
                      float eps, int act, float slope, float *y, float *mean, float *rstd, float *var, double *scratch);
/* y = (x - mean[g]) * rstd[g] * gamma + beta with given per-group constants */
void cpu_norm_apply(int outer, int G, long S, int gC, const float *x, const float *mean, const float *rstd,
                    const float *gamma, const float *beta, float *y);
/* first-order backward of cpu_norm_forward (statistics of the batch):
 *   xhat = (x - mean) rstd,  gxhat = g gamma,  M = outer*S,
 *   with y != NULL (the forward had an activation, y its output, slope >= 0), g stands for
 *   g * (y > 0 ? 1 : slope), the activation's backward, as that op would round it;
 *   gx = rstd (gxhat - mean(gxhat) - xhat mean(gxhat xhat))            (gx may be NULL)
 *   ggamma[c] = sum over the groups of channel c of sum(g xhat)          (may be NULL)
 *   gbeta[c]  = sum over the groups of channel c of sum(g)               (may be NULL) */
void cpu_norm_backward(int outer, int G, long S, int gC, const float *x, const float *g, const float *y, float slope,
                       const float *mean, const float *rstd, const float *gamma, float *gx, float *ggamma, float *gbeta,
                       double *scratch);
/* the scratch the caller gives either kernel above (no allocation in the training loop): this many doubles */
static inline size_t norm_scratch_doubles(int outer, int G) { return 2 * (size_t)outer * G + 4 * (size_t)G; }
/* running = (1-m) running + m batch, with the unbiased variance var * M/(M-1) (M > 1) */
void cpu_norm_update_running(int C, const float *mean, const float *var, long M, float momentum,
                             float *running_mean, float *running_var);

/* plain single-threaded loops, the references the tests compare the kernels above against */
void ref_norm_forward(int outer, int G, long S, int gC, const float *x, const float *gamma, const float *beta,
                      float eps, float *y, float *mean, float *rstd, float *var);
void ref_norm_backward(int outer, int G, long S, int gC, const float *x, const float *g, const float *mean,
                       const float *rstd, const float *gamma, float *gx, float *ggamma, float *gbeta);
#endif
