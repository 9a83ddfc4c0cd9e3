/* Perceptual path length (analysis/ppl.h) on generators whose path lengths are known in closed form. */
#include "analysis/ppl.h"
#include "core/error.h"
#include "test.h"
#include <string.h>

static void gen_identity(void *ctx, const float *z, int n, float *out) {
    int zd = *(int *)ctx;
    memcpy(out, z, (size_t)n * zd * sizeof(float));
}
static void gen_times3(void *ctx, const float *z, int n, float *out) {
    int zd = *(int *)ctx;
    for (int i = 0; i < n * zd; i++) out[i] = 3 * z[i];
}
static void embed_sum(void *ctx, const float *x, int n, float *f) {     /* [n,dim] -> [n,1] */
    int d = *(int *)ctx;
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int k = 0; k < d; k++) s += x[i * d + k];
        f[i] = (float)s;
    }
}

/* lerp, identity: d = |z2 - z1|^2 exactly (the path is a line) = 9 + 16 + 1 */
TEST(lerp_identity) {
    int zd = 3;
    PplModel m = {.gen = gen_identity, .gen_ctx = &zd, .zdim = 3, .out_dim = 3};
    double t[] = {0.3, 0.9}, d[2];
    double z1b[] = {1, 2, 0, 1, 2, 0}, z2b[] = {4, -2, 1, 4, -2, 1};
    ppl_pairs(&m, z1b, z2b, t, 2, 1e-2, 1, d);
    CHECK_NEAR(d[0], 26.0, 1e-4);
    CHECK_NEAR(d[1], 26.0, 1e-4);
}

/* slerp of orthogonal codes of norm 2: a quarter circle of radius 2 at unit time, speed pi -> d = pi^2 */
TEST(slerp_quarter_circle) {
    int zd = 2;
    PplModel m = {.gen = gen_identity, .gen_ctx = &zd, .zdim = 2, .out_dim = 2};
    double z1[] = {2, 0}, z2[] = {0, 2}, t[] = {0.4}, d[1], mid[2];
    ppl_pairs(&m, z1, z2, t, 1, 1e-3, 0, d);
    CHECK_NEAR(d[0], M_PI * M_PI, 1e-3);
    ppl_interpolate(z1, z2, 2, 0.5, 0, mid);                 /* on the circle, not the chord */
    CHECK_NEAR(mid[0], sqrt(2.0), 1e-12);
    CHECK_NEAR(mid[1], sqrt(2.0), 1e-12);
}

/* G = 3z, E = sum of the outputs: d = (3 * sum(z2 - z1))^2 = (3 * 1)^2 */
TEST(generator_and_embedding) {
    int zd = 3, od = 3;
    PplModel m = {.gen = gen_times3, .gen_ctx = &zd, .zdim = 3, .out_dim = 3, .embed = embed_sum, .embed_ctx = &od,
                  .fdim = 1};
    double z1[] = {1, 2, 0}, z2[] = {4, -1, 1}, t[] = {0.5}, d[1];
    ppl_pairs(&m, z1, z2, t, 1, 1e-2, 1, d);
    CHECK_NEAR(d[0], 9.0, 1e-4);
}

/* identity, lerp: d = |z2 - z1|^2 ~ 2 chi^2_4, mean 8; the 1%-99% filtered mean is below the plain one */
TEST(compute_statistics) {
    int zd = 4;
    PplModel m = {.gen = gen_identity, .gen_ctx = &zd, .zdim = 4, .out_dim = 4};
    PplOptions o = ppl_default_options();
    o.n_samples = 4000;
    o.lerp = 1;
    o.eps = 1e-2;
    o.seed = 9;
    double p, plain, p2, plain2;
    CHECK(ppl_compute(&m, o, &p, &plain) == 0);
    CHECK_MSG(fabs(plain - 8) < 0.4, "plain mean %g, expected 8", plain);
    CHECK(p < plain && p > 0.9 * plain);
    CHECK(ppl_compute(&m, o, &p2, &plain2) == 0);
    CHECK(p == p2 && plain == plain2);
    o.n_samples = 1;
    CHECK(ppl_compute(&m, o, &p, &plain) == -1);
    CHECK(strstr(mg_error_get(), "ppl:") != NULL);
}

int main(void) {
    RUN(lerp_identity);
    RUN(slerp_quarter_circle);
    RUN(generator_and_embedding);
    RUN(compute_statistics);
    return test_summary();
}
