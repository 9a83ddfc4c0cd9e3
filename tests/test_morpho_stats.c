/* Regularized incomplete beta, Student-t CDF, Welch's t-test and Cohen's d against closed forms,
 * published quantiles and an independent numerical integration of the t density. */
#include "morpho/stats.h"
#include "test.h"

TEST(incbeta_closed_forms) {
    for (double x = 0.05; x < 1; x += 0.1) {
        CHECK_NEAR(incbeta_reg(1, 3.5, x), 1 - pow(1 - x, 3.5), 1e-12);     /* a = 1 */
        CHECK_NEAR(incbeta_reg(2.5, 1, x), pow(x, 2.5), 1e-12);             /* b = 1 */
        CHECK_NEAR(incbeta_reg(2, 2, x), x * x * (3 - 2 * x), 1e-12);
    }
    CHECK_NEAR(incbeta_reg(7.3, 7.3, 0.5), 0.5, 1e-12);                     /* symmetry */
    CHECK_NEAR(incbeta_reg(3, 5, 0.3) + incbeta_reg(5, 3, 0.7), 1.0, 1e-12);
    CHECK(incbeta_reg(2, 3, 0) == 0 && incbeta_reg(2, 3, 1) == 1);
    CHECK(isnan(incbeta_reg(-1, 3, 0.5)) && isnan(incbeta_reg(1, 3, 1.5)));
}

TEST(t_cdf_closed_forms) {
    for (double t = -6; t <= 6; t += 0.37) {
        CHECK_NEAR(student_t_cdf(t, 1), 0.5 + atan(t) / M_PI, 1e-12);               /* Cauchy */
        CHECK_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-12);
        CHECK_NEAR(student_t_cdf(t, 1e7), 0.5 * erfc(-t / sqrt(2)), 1e-6);            /* -> normal */
    }
}

TEST(t_cdf_published_quantiles) {
    /* two-sided critical values from standard t tables (e.g. scipy.stats.t.ppf) */
    CHECK_NEAR(student_t_cdf(2.228138851986274, 10), 0.975, 1e-10);
    CHECK_NEAR(student_t_cdf(2.570581835636314, 5), 0.975, 1e-10);
    CHECK_NEAR(student_t_cdf(2.353363434801823, 3), 0.95, 1e-10);
    CHECK_NEAR(student_t_cdf(2.845339709784, 20), 0.995, 1e-9);
    CHECK_NEAR(student_t_cdf(1.959963984540054, 1e9), 0.975, 1e-7);
    CHECK_NEAR(student_t_cdf(-2.228138851986274, 10), 0.025, 1e-10);
    CHECK_NEAR(student_t_cdf(0, 7.5), 0.5, 1e-14);
}

/* Student-t density integrated by Simpson's rule from 0 to t: an independent route to the CDF */
static double t_cdf_numeric(double t, double nu) {
    double c = exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) / sqrt(nu * M_PI);
    int n = 20000;
    double h = t / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double x = i * h, f = c * pow(1 + x * x / nu, -(nu + 1) / 2);
        s += (i == 0 || i == n ? 1 : i % 2 ? 4 : 2) * f;
    }
    return 0.5 + s * h / 3;
}

TEST(t_cdf_matches_numerical_integration_for_fractional_df) {
    const double dfs[] = {0.7, 1.5, 3.3, 5.882, 12.25, 57.9, 400};
    const double ts[] = {-4.1, -1.9, -0.3, 0.8, 2.2, 5.5};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 6; j++)
            CHECK_NEAR(student_t_cdf(ts[j], dfs[i]), t_cdf_numeric(ts[j], dfs[i]), 1e-8);
}

TEST(welch_and_cohens_d_by_hand) {
    const double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
    GroupComparison g;
    CHECK(compare_groups(a, 5, b, 5, &g) == 0);
    CHECK_NEAR(g.mean1, 3, 1e-12);
    CHECK_NEAR(g.mean2, 6, 1e-12);
    CHECK_NEAR(g.diff, 3, 1e-12);
    CHECK_NEAR(g.rel_diff, 1, 1e-12);
    CHECK_NEAR(g.t, 3 / sqrt(2.5), 1e-12);                 /* se^2 = 2.5/5 + 10/5 */
    CHECK_NEAR(g.df, 6.25 / (0.25 / 4 + 4.0 / 4), 1e-12);   /* Welch-Satterthwaite = 5.882... */
    CHECK_NEAR(g.p, 2 * (1 - t_cdf_numeric(g.t, g.df)), 1e-8);
    CHECK(g.p > 0.10 && g.p < 0.12);
    double sp = sqrt((4 * 2.5 + 4 * 10) / 8.0);
    CHECK_NEAR(g.d, 3 / sp, 1e-12);
    double se = sqrt(10.0 / 25 + g.d * g.d / 20);
    CHECK_NEAR(g.d_lo, g.d - 1.959964 * se, 1e-9);
    CHECK_NEAR(g.d_hi, g.d + 1.959964 * se, 1e-9);
}

TEST(nan_values_are_skipped_and_small_groups_refused) {
    const double a[] = {1, NAN, 2, 3}, b[] = {5, 6, NAN, 7};
    GroupComparison g;
    CHECK(compare_groups(a, 4, b, 4, &g) == 0);
    CHECK(g.n1 == 3 && g.n2 == 3);
    CHECK_NEAR(g.diff, 4, 1e-12);
    const double c[] = {1};
    CHECK(compare_groups(c, 1, b, 4, &g) == -1);
}

TEST(identical_groups_have_p_one) {
    const double a[] = {2, 2, 2}, b[] = {2, 2, 2};
    GroupComparison g;
    CHECK(compare_groups(a, 3, b, 3, &g) == 0);
    CHECK(g.p == 1 && g.t == 0 && g.d == 0);
}

/* D against scipy.stats.ks_2samp (statistic) on hand-sized samples, with ties and NANs; p against
 * the Kolmogorov series evaluated by hand (lambda = (sqrt(ne) + 0.12 + 0.11/sqrt(ne)) D) */
TEST(kolmogorov_smirnov_two_sample) {
    double a[] = {1, 2, 3, 4, 5}, b[] = {2.5, 3.5, 6, 7, 8, 9, NAN}, p;
    CHECK_NEAR(ks_two_sample(a, 5, b, 7, &p), 2.0 / 3.0, 1e-12);            /* scipy: 0.6666666666666667 */
    double ne = 30.0 / 11.0, lam = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * (2.0 / 3.0), q = 0;
    for (int k = 1; k <= 100; k++) q += (k % 2 ? 2 : -2) * exp(-2.0 * k * k * lam * lam);
    CHECK_NEAR(p, q, 1e-12);
    double c[] = {1, 2, 2, 3}, d[] = {2, 2, 4};
    CHECK_NEAR(ks_two_sample(c, 4, d, 3, NULL), 1.0 / 3.0, 1e-12);           /* scipy: 0.33333333333333337 (ties) */
    CHECK_NEAR(ks_two_sample(a, 5, a, 5, &p), 0.0, 1e-15);
    CHECK_NEAR(p, 1.0, 1e-12);
    CHECK(isnan(ks_two_sample(a, 5, b + 6, 1, NULL)));                       /* only a NAN: empty */
    GroupComparison g;
    CHECK(compare_groups(c, 4, d, 3, &g) == 0 && fabs(g.ks - 1.0 / 3.0) < 1e-12);
}

int main(void) {
    RUN(incbeta_closed_forms);
    RUN(t_cdf_closed_forms);
    RUN(t_cdf_published_quantiles);
    RUN(t_cdf_matches_numerical_integration_for_fractional_df);
    RUN(welch_and_cohens_d_by_hand);
    RUN(nan_values_are_skipped_and_small_groups_refused);
    RUN(identical_groups_have_p_one);
    RUN(kolmogorov_smirnov_two_sample);
    return test_summary();
}
