/* The morphometric read-out of a latent direction: images generated along walks x + k s u (k in
 * factors, s = the class separation along the unit direction u, so k = 1 is one class separation),
 * measured by morpho, summarised per measure as a change per unit of walk with a 95% confidence
 * interval.
 *
 * values[b * nf + j]: the measure of walk b at factor j (NAN where the image was not measured).
 * Per walk b: the least-squares slope s_b of value on factor over its measured points (at least 2
 * distinct factors, else the walk is left out) and its value at k = 0 from the same line, a_b.
 * Effect = mean_b s_b, CI = mean -+ t(0.975, n-1) sd_b / sqrt(n) (walks are independent images).
 * relative: effect and CI divided by mean_b a_b (a fraction; x 100 for %): the change per unit as
 * a share of the starting value, which is how the synthetic truth of length and width is stated. */
#ifndef MG_WALK_EFFECT_H
#define MG_WALK_EFFECT_H

typedef struct WalkEffect {
    int n_walks;                /* walks with a slope */
    double per_unit, ci_lo, ci_hi;
    double start_mean;          /* mean_b a_b */
} WalkEffect;

/* 0, or -1 when fewer than 2 walks have a slope (out zeroed, NANs). */
int walk_effect(const double *factors, int nf, const double *values, int nwalks, int relative, WalkEffect *out);
double student_t_quantile(double p, double df);   /* inverse of student_t_cdf (morpho/stats.h), by bisection */
#endif
