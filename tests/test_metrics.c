/* Quality metrics (analysis/metrics.h): hand-computed values on tiny sets, and parity with the
 * numpy/scipy references of fixtures/metrics.safetensors (tools/make_metric_fixtures.py). */
#include "analysis/metrics.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/safetensors.h"
#include "test.h"
#include <string.h>

/* 1-D: FID = (m1 - m2)^2 + (s1 - s2)^2.  x = {-1, 1}: mean 0, var 2; y = {1, 5}: mean 3, var 8 -> 9 + 2 = 11 */
TEST(fid_1d_closed_form) {
    float x[] = {-1, 1}, y[] = {1, 5};
    double f = -1;
    CHECK(fid_features(x, 2, y, 2, 1, &f) == 0);
    CHECK_NEAR(f, 11.0, 1e-9);
}

/* 2-D, diagonal covariances: |dmu|^2 + sum_i (s1_i - s2_i)^2.  X = {(+-a,0),(0,+-b)}: var 2a^2/3, 2b^2/3. */
TEST(fid_2d_diagonal_closed_form) {
    const float a = sqrtf(6.f), b = sqrtf(1.5f), a2 = sqrtf(1.5f), b2 = sqrtf(24.f);
    float x[] = {a, 0, -a, 0, 0, b, 0, -b};                                   /* sd 2, 1 */
    float y[] = {1 + a2, 2, 1 - a2, 2, 1, 2 + b2, 1, 2 - b2};                 /* mean (1,2), sd 1, 4 */
    double f = -1;
    CHECK(fid_features(x, 4, y, 4, 2, &f) == 0);
    CHECK_NEAR(f, 1 + 4 + 1 + 9, 1e-5);
}

TEST(fid_identical_sets_zero) {
    Rng r = rng_new(3);
    enum { N = 300, D = 20 };
    static float x[N * D];
    rng_normal(&r, x, N * D, 0.5f, 2.f);
    double f = -1;
    CHECK(fid_features(x, N, x, N, D, &f) == 0);
    CHECK_MSG(fabs(f) < 1e-8, "FID(x, x) = %g", f);
}

TEST(fid_errors) {
    float x[] = {1, 2};
    double f;
    CHECK(fid_features(x, 1, x, 1, 2, &f) == -1);
    CHECK(strstr(mg_error_get(), "fid:") != NULL);
    FeatStats a = {.d = 2}, b = {.d = 3};
    CHECK(fid_from_stats(&a, &b, &f) == -1);
}

/* d = 1, x = {0, 1}, y = {1, 2}: Kxx off-diagonal (1+1)/2 = 1; Kyy 2*27/2 = 27; Kxy mean (1+1+8+27)/4.
 * MMD^2 = 1 + 27 - 2 * 9.25 = 9.5.  x against itself: 1 + 1 - 2 * 11/4 = -3.5. */
TEST(kid_hand_values) {
    float x[] = {0, 1}, y[] = {1, 2};
    KidOptions o = {.subset_size = 2, .n_subsets = 3, .seed = 1};
    double m = 0, s = -1;
    CHECK(kid_features(x, 2, y, 2, 1, o, &m, &s) == 0);
    CHECK_NEAR(m, 9.5, 1e-12);
    CHECK_NEAR(s, 0.0, 1e-12);
    CHECK(kid_features(x, 2, x, 2, 1, o, &m, &s) == 0);
    CHECK_NEAR(m, -3.5, 1e-12);
    CHECK(kid_features(x, 1, y, 2, 1, o, &m, &s) == -1);
}

/* same distribution: KID near 0 and far below KID against a shifted copy; deterministic for a seed */
TEST(kid_identical_and_shifted) {
    enum { N = 400, D = 8 };
    static float x[N * D], y[N * D], z[N * D];
    Rng r = rng_new(7);
    rng_normal(&r, x, N * D, 0, 1);
    rng_normal(&r, y, N * D, 0, 1);
    for (int i = 0; i < N * D; i++) z[i] = y[i] + 1.0f;
    KidOptions o = {.subset_size = 100, .n_subsets = 20, .seed = 11};
    double m0, s0, m1, s1, m2, s2;
    CHECK(kid_features(x, N, y, N, D, o, &m0, &s0) == 0);
    CHECK(kid_features(x, N, z, N, D, o, &m1, &s1) == 0);
    CHECK(kid_features(x, N, y, N, D, o, &m2, &s2) == 0);
    CHECK_MSG(fabs(m0) < 0.05 * m1, "KID same %g vs shifted %g", m0, m1);
    CHECK_MSG(s0 > 0 && m1 > 5 * s1, "KID shifted %g +- %g, same +- %g", m1, s1, s0);
    CHECK(m0 == m2 && s0 == s2);
}

/* 1-D, k = 1.  real {0,1,2,3,10}: radii 1,1,1,1,7.  fake {0.5,5,20,2.9}: 0.5 in, 5 in (10's ball), 20 out,
 * 2.9 in -> precision 3/4.  fake radii (k=1): 0.5->2.4, 2.9->2.1, 5->2.1, 20->15: every real point is
 * covered -> recall 1.  Swapping the roles swaps the two numbers. */
TEST(precision_recall_hand_values) {
    float real[] = {0, 1, 2, 3, 10}, fake[] = {0.5f, 5, 20, 2.9f};
    double p = -1, r = -1;
    CHECK(precision_recall(real, 5, fake, 4, 1, 1, &p, &r) == 0);
    CHECK_NEAR(p, 0.75, 1e-12);
    CHECK_NEAR(r, 1.0, 1e-12);
    CHECK(precision_recall(fake, 4, real, 5, 1, 1, &p, &r) == 0);
    CHECK_NEAR(p, 1.0, 1e-12);
    CHECK_NEAR(r, 0.75, 1e-12);
    CHECK(precision_recall(real, 5, fake, 4, 1, 4, &p, &r) == -1);
}

TEST(precision_recall_identical_sets) {
    enum { N = 300, D = 6 };
    static float x[N * D];
    Rng g = rng_new(2);
    rng_normal(&g, x, N * D, 0, 1);
    double p, r;
    CHECK(precision_recall(x, N, x, N, D, 3, &p, &r) == 0);
    CHECK(p == 1.0 && r == 1.0);
}

/* uniform p(y|x): IS 1.  One-hot rows cycling over 4 classes, 2 splits of 4 rows: IS 4 in each. */
TEST(inception_score_hand_values) {
    float u[6 * 3], h[8 * 4] = {0};
    for (int i = 0; i < 18; i++) u[i] = 1.f / 3;
    for (int i = 0; i < 8; i++) h[i * 4 + i % 4] = 1;
    double m, s;
    CHECK(inception_score(u, 6, 3, 2, 0, &m, &s) == 0);
    CHECK_NEAR(m, 1.0, 1e-12);
    CHECK(inception_score(h, 8, 4, 2, 0, &m, &s) == 0);
    CHECK_NEAR(m, 4.0, 1e-12);
    CHECK_NEAR(s, 0.0, 1e-12);
    for (int i = 0; i < 18; i++) u[i] = 5.f;
    CHECK(inception_score(u, 6, 3, 3, 1, &m, &s) == 0);   /* constant logits = uniform */
    CHECK_NEAR(m, 1.0, 1e-12);
    CHECK(inception_score(u, 2, 3, 3, 1, &m, &s) == -1);
}

static StFile fx;
static float *fx_get(const char *name, int *rows, int *cols) {
    const StTensor *t = st_find(&fx, name);
    if (!t) { fprintf(stderr, "fixture tensor %s missing\n", name); exit(1); }
    float *v = malloc(t->numel * sizeof(float));
    st_read_f32(t, v);
    if (rows) *rows = (int)t->shape[0];
    if (cols) *cols = t->ndim > 1 ? (int)t->shape[1] : 1;
    return v;
}
static double fx_val(const char *name) {
    float *v = fx_get(name, NULL, NULL);
    double r = v[0];
    free(v);
    return r;
}

TEST(parity_scipy) {
    int n, d, ns, ds, nl, c;
    float *x = fx_get("x", &n, &d), *y = fx_get("y", NULL, NULL), *xs = fx_get("xs", &ns, &ds),
          *ys = fx_get("ys", NULL, NULL), *lg = fx_get("logits", &nl, &c);
    double f, fs, km, ks, p, r, im, is;
    CHECK(fid_features(x, n, y, n, d, &f) == 0);
    CHECK(fid_features(xs, ns, ys, ns, ds, &fs) == 0);
    CHECK(kid_features(x, n, y, n, d, (KidOptions){.subset_size = n, .n_subsets = 1}, &km, &ks) == 0);
    CHECK(precision_recall(x, n, y, n, d, 3, &p, &r) == 0);
    CHECK(inception_score(lg, nl, c, 4, 1, &im, &is) == 0);
    double want[] = {fx_val("fid"), fx_val("fid_singular"), fx_val("kid_full"), fx_val("precision"),
                     fx_val("recall"), fx_val("is_mean"), fx_val("is_std")};
    double got[] = {f, fs, km, p, r, im, is};
    const char *names[] = {"fid", "fid_singular", "kid_full", "precision", "recall", "is_mean", "is_std"};
    for (int i = 0; i < 7; i++) {
        double rel = fabs(got[i] - want[i]) / fmax(fabs(want[i]), 1e-12);
        printf("   %-13s C %.10g  numpy/scipy %.10g  rel %.2e\n", names[i], got[i], want[i], rel);
        CHECK_MSG(rel <= 1e-3, "%s: C %.10g, reference %.10g", names[i], got[i], want[i]);
    }
    free(x); free(y); free(xs); free(ys); free(lg);
}

int main(void) {
    RUN(fid_1d_closed_form);
    RUN(fid_2d_diagonal_closed_form);
    RUN(fid_identical_sets_zero);
    RUN(fid_errors);
    RUN(kid_hand_values);
    RUN(kid_identical_and_shifted);
    RUN(precision_recall_hand_values);
    RUN(precision_recall_identical_sets);
    RUN(inception_score_hand_values);
    if (st_open("fixtures/metrics.safetensors", &fx)) { fprintf(stderr, "%s\n", mg_error_get()); return 1; }
    RUN(parity_scipy);
    st_close(&fx);
    return test_summary();
}
