/* Outline tracing, perimeter, Otsu and elliptic Fourier descriptors on shapes with known answers. */
#include "morpho/efd.h"
#include "morpho/outline.h"
#include "morpho/segment.h"
#include "core/rng.h"
#include "test.h"
#include <stdlib.h>
#include <string.h>

TEST(trace_rectangle) {
    enum { W = 20, H = 12 };
    uint8_t m[W * H] = {0};
    for (int y = 3; y < 8; y++)
        for (int x = 4; x < 14; x++) m[y * W + x] = 1;      /* 10 x 5 block */
    int xy[2 * (W * H + 4)];
    int n = trace_outline(m, W, H, xy, W * H + 4);
    CHECK(n == 2 * (10 + 5) - 4);                           /* each boundary pixel once */
    CHECK(xy[0] == 4 && xy[1] == 3);
    for (int i = 0; i < n; i++) {                           /* every point is a boundary pixel */
        int x = xy[2 * i], y = xy[2 * i + 1];
        CHECK(m[y * W + x] && (x == 4 || x == 13 || y == 3 || y == 7));
    }
    CHECK_NEAR(outline_perimeter(xy, n), 0.948 * 26, 1e-9);
}

TEST(trace_single_pixel_and_empty) {
    uint8_t m[25] = {0};
    int xy[2 * 29];
    CHECK(trace_outline(m, 5, 5, xy, 29) == 0);
    m[12] = 1;
    CHECK(trace_outline(m, 5, 5, xy, 29) == 1);
}

TEST(trace_disc_perimeter_close_to_2_pi_r) {
    enum { S = 101 };
    static uint8_t m[S * S];
    memset(m, 0, sizeof m);
    double r = 40;
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++) m[y * S + x] = (x - 50) * (x - 50) + (y - 50) * (y - 50) <= r * r;
    static int xy[2 * (S * S + 4)];
    int n = trace_outline(m, S, S, xy, S * S + 4);
    /* the outline runs through boundary pixel centres, ~0.5 px inside the true circle */
    CHECK_NEAR(outline_perimeter(xy, n), 2 * M_PI * (r - 0.5), 0.02);
}

/* random blobs (unions of ellipses): the trace closes, steps between 8-neighbours, visits only boundary
 * pixels and stops after one circuit (a regression: a missed stop used to run to the point cap) */
TEST(trace_random_blobs_closes_after_one_circuit) {
    enum { W = 40, H = 30 };
    uint8_t m[W * H];
    int xy[2 * (W * H + 4)];
    Rng r = rng_new(5);
    for (int trial = 0; trial < 300; trial++) {
        memset(m, 0, sizeof m);
        int ne = 1 + (int)rng_below(&r, 3);
        double cx0 = 20, cy0 = 15;
        for (int e = 0; e < ne; e++) {
            double cx = cx0 + 6 * (rng_uniform1(&r) - 0.5), cy = cy0 + 6 * (rng_uniform1(&r) - 0.5);
            double a = 1 + 12 * rng_uniform1(&r), b = 0.6 + 4 * rng_uniform1(&r), t = 3.2 * rng_uniform1(&r);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    double dx = x - cx, dy = y - cy, u = dx * cos(t) + dy * sin(t), v = -dx * sin(t) + dy * cos(t);
                    if (u * u / (a * a) + v * v / (b * b) <= 1) m[y * W + x] = 1;
                }
        }
        int area = 0;
        for (int i = 0; i < W * H; i++) area += m[i];
        int n = trace_outline(m, W, H, xy, W * H + 4);
        CHECK_MSG(n >= 1 && n <= 2 * area + 2, "trial %d: %d points for area %d", trial, n, area);
        for (int i = 0; i < n && n > 1; i++) {
            int j = (i + 1) % n, dx = abs(xy[2 * j] - xy[2 * i]), dy = abs(xy[2 * j + 1] - xy[2 * i + 1]);
            CHECK(dx <= 1 && dy <= 1);
        }
    }
}

TEST(otsu_splits_two_modes) {
    float v[1000];
    for (int i = 0; i < 1000; i++) v[i] = i < 700 ? 0.1f + 0.01f * (i % 5) : 0.8f + 0.01f * (i % 5);
    float t = otsu_threshold(v, 1000);
    CHECK(t > 0.15f && t <= 0.8f);
}

static void ellipse(double *xy, int n, double a, double b, double rot, double x0, double y0, int shift) {
    for (int i = 0; i < n; i++) {
        double t = 2 * M_PI * ((i + shift) % n) / n, x = a * cos(t), y = b * sin(t);
        xy[2 * i] = x0 + x * cos(rot) - y * sin(rot);
        xy[2 * i + 1] = y0 + x * sin(rot) + y * cos(rot);
    }
}

TEST(efd_of_a_circle_and_an_ellipse) {
    double xy[2 * 720], c[6][4];
    ellipse(xy, 720, 7, 7, 0, 3, -2, 0);
    CHECK(efd_compute(xy, 720, 6, c) == 0);
    CHECK_NEAR(c[0][0], 7, 1e-3);      /* x = 7 cos t */
    CHECK_NEAR(c[0][3], 7, 1e-3);      /* y = 7 sin t */
    CHECK_NEAR(c[0][1], 0, 1e-9);
    CHECK_NEAR(c[0][2], 0, 1e-9);
    for (int h = 1; h < 6; h++)
        for (int k = 0; k < 4; k++) CHECK_NEAR(c[h][k], 0, 1e-6);
    /* an ellipse: parametrised by arc length it has odd harmonics too, but the first one dominates and
     * after normalisation a1 = 1, b1 = c1 = 0, |d1| close to the axis ratio; even harmonics vanish */
    ellipse(xy, 720, 10, 6, 0.4, 3, -2, 100);
    CHECK(efd_compute(xy, 720, 6, c) == 0);
    efd_normalize(c, 6);
    CHECK_NEAR(c[0][0], 1, 1e-9);
    CHECK_NEAR(c[0][1], 0, 1e-9);
    CHECK_NEAR(c[0][2], 0, 1e-9);
    CHECK_MSG(fabs(fabs(c[0][3]) - 0.6) < 0.1, "d1 = %g", c[0][3]);    /* 0.678: arc-length parametrisation */
    for (int k = 0; k < 4; k++) CHECK_NEAR(c[1][k], 0, 1e-6);
    CHECK(fabs(c[2][0]) > 1e-3);
}

/* a non-elliptic shape: normalised descriptors do not depend on size, rotation, position or start */
TEST(efd_normalisation_invariances) {
    enum { N = 500 };
    double a[2 * N], b[2 * N], ca[8][4], cb[8][4];
    for (int i = 0; i < N; i++) {
        double t = 2 * M_PI * i / N, r = 10 + 2 * cos(3 * t) + 1.0 * sin(2 * t);
        a[2 * i] = r * cos(t); a[2 * i + 1] = 0.6 * r * sin(t);
    }
    double s = 2.7, rot = 0.83;
    for (int i = 0; i < N; i++) {
        int j = (i + 137) % N;                               /* another starting point */
        double x = a[2 * j] * s, y = a[2 * j + 1] * s;
        b[2 * i] = 50 + x * cos(rot) - y * sin(rot);
        b[2 * i + 1] = -7 + x * sin(rot) + y * cos(rot);
    }
    CHECK(efd_compute(a, N, 8, ca) == 0 && efd_compute(b, N, 8, cb) == 0);
    efd_normalize(ca, 8);
    efd_normalize(cb, 8);
    for (int h = 0; h < 8; h++)
        for (int k = 0; k < 4; k++) CHECK_NEAR(cb[h][k], ca[h][k], 1e-6);
    CHECK(fabs(ca[1][0]) + fabs(ca[1][1]) + fabs(ca[1][2]) + fabs(ca[1][3]) > 1e-3);   /* not trivially 0 */
}

TEST(efd_degenerate_inputs) {
    double xy[6] = {1, 1, 1, 1, 1, 1}, c[3][4];
    CHECK(efd_compute(xy, 3, 3, c) == -1);
    CHECK(efd_compute(xy, 2, 3, c) == -1);
}

int main(void) {
    RUN(trace_rectangle);
    RUN(trace_single_pixel_and_empty);
    RUN(trace_disc_perimeter_close_to_2_pi_r);
    RUN(trace_random_blobs_closes_after_one_circuit);
    RUN(otsu_splits_two_modes);
    RUN(efd_of_a_circle_and_an_ellipse);
    RUN(efd_normalisation_invariances);
    RUN(efd_degenerate_inputs);
    return test_summary();
}
