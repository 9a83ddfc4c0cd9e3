/* Two-group statistics for morpho compare.
 *  Welch's t-test: t = (m2 - m1) / sqrt(v1/n1 + v2/n2), Welch-Satterthwaite degrees of freedom,
 *  two-sided p from the Student-t CDF, which is computed through the regularized incomplete beta
 *  function: for t >= 0, P(T <= t) = 1 - I_x(df/2, 1/2) / 2 with x = df / (df + t^2).
 *  Cohen's d = (m2 - m1) / s_pooled; its 95% CI by the normal approximation of Hedges & Olkin (1985):
 *  se(d) = sqrt((n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))), CI = d -+ 1.959964 se. */
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
} GroupComparison;

/* x1: n1 values of group 1 (reference), x2: n2 values of group 2.  NAN entries are skipped.
 * Returns 0, or -1 when a group has fewer than 2 values. */
int compare_groups(const double *x1, int n1, const double *x2, int n2, GroupComparison *out);
#endif
