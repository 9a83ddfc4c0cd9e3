/* The morphometric read-out of a walk (analysis/walk_effect.h) on hand-computed cases. */
#include "test.h"
#include "analysis/walk_effect.h"
#include <math.h>

TEST(t_quantiles) {
    CHECK_NEAR(student_t_quantile(0.975, 1), 12.7062047, 1e-6);     /* tables */
    CHECK_NEAR(student_t_quantile(0.975, 9), 2.2621572, 1e-6);
    CHECK_NEAR(student_t_quantile(0.5, 5), 0.0, 1e-6);
}

TEST(slopes_means_and_interval_by_hand) {
    /* three walks at factors -1, 0, 1: exact lines with slopes 2, 4, 6 and values at 0 of 10, 10, 10 */
    double f[3] = {-1, 0, 1};
    double v[9] = {8, 10, 12, 6, 10, 14, 4, 10, 16};
    WalkEffect e;
    CHECK(walk_effect(f, 3, v, 3, 0, &e) == 0);
    CHECK(e.n_walks == 3);
    CHECK_NEAR(e.per_unit, 4.0, 1e-12);
    CHECK_NEAR(e.start_mean, 10.0, 1e-12);
    double half = student_t_quantile(0.975, 2) * 2.0 / sqrt(3.0);   /* sd of {2,4,6} = 2 */
    CHECK_NEAR(e.ci_lo, 4.0 - half, 1e-9);
    CHECK_NEAR(e.ci_hi, 4.0 + half, 1e-9);
    CHECK(walk_effect(f, 3, v, 3, 1, &e) == 0);                       /* relative: / 10 */
    CHECK_NEAR(e.per_unit, 0.4, 1e-12);
    CHECK_NEAR(e.ci_hi, (4.0 + half) / 10, 1e-9);
}

TEST(missing_points_and_too_few_walks) {
    double f[3] = {-1, 0, 1};
    double v[9] = {8, NAN, 12, NAN, NAN, 14, 4, 10, 16};              /* walk 1 has one point: left out */
    WalkEffect e;
    CHECK(walk_effect(f, 3, v, 3, 0, &e) == 0);
    CHECK(e.n_walks == 2);
    CHECK_NEAR(e.per_unit, 4.0, 1e-12);                                /* slopes 2 and 6 */
    CHECK(walk_effect(f, 3, v, 2, 0, &e) == -1 && isnan(e.per_unit)); /* one walk with a slope */
}

int main(void) {
    RUN(t_quantiles);
    RUN(slopes_means_and_interval_by_hand);
    RUN(missing_points_and_too_few_walks);
    return test_summary();
}
