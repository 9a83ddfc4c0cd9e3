/* Two-group statistics for morpho compare.
 *  Welch's t-test: t = (m2 - m1) / sqrt(v1/n1 + v2/n2), Welch-Satterthwaite degrees of freedom,
 *  two-sided p from the Student-t CDF, which is computed through the regularized incomplete beta
 *  function: for t >= 0, P(T <= t) = 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2).
 *  Cohen's d = (m2 - m1) / s_pooled; its 95% CI by the normal approximation of Hedges & Olkin (1985):
 *  se(d) = sqrt((n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))), CI = d -+ 1.959964 se.
 *  Two-sample Kolmogorov-Smirnov: D = sup |F1 - F2| of the empirical CDFs; p from the asymptotic
 *  Kolmogorov distribution Q(lambda) = 2 sum_k (-1)^(k-1) exp(-2 k^2 lambda^2), lambda =
 *  (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) D, ne = n1 n2 / (n1 + n2) (Stephens 1970). */
#ifndef MG_STATS_H
#define MG_STATS_H

double incbeta_reg(double a, double b, double x);   /* I_x(a, b), a, b > 0, x in [0, 1]; NAN if invalid */
double student_t_cdf(double t, double df);           /* P(T <= t), df > 0 */

typedef struct GroupComparison {
    int n1, n2;
    double mean1, mean2, sd1, sd2;
    double diff;             /* mean2 - mean1 */
    double rel_diff;         /* diff / mean1 (NAN when mean1 == 0) */
    double d, d_lo, d_hi;    /* Cohen's d with its 95% confidence interval */
    double t, df, p;         /* Welch's t-test, two-sided p */
    double ks, ks_p;         /* two-sample Kolmogorov-Smirnov statistic and its asymptotic p */
} GroupComparison;

/* D of two samples (NAN entries skipped; sorts copies); *p (may be NULL): asymptotic p.  NAN if a sample is empty. */
double ks_two_sample(const double *x1, int n1, const double *x2, int n2, double *p);

/* x1: n1 values of group 1 (reference), x2: n2 values of group 2.  NAN entries are skipped.
 * Returns 0, or -1 when a group has fewer than 2 values. */
int compare_groups(const double *x1, int n1, const double *x2, int n2, GroupComparison *out);
#endif
