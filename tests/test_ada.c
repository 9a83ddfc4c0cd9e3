/* The ADA controller (train/ada.c): one interval by hand, clamping, convergence of p against a
 * simulated discriminator whose overfitting r_t falls as p rises, the p_max bound, exact
 * reproducibility, and save / load of its state in the middle of an interval. */
#include "test.h"
#include "core/error.h"
#include "core/rng.h"
#include "train/ada.h"
#include <string.h>

/* one D step: its real logits, then the end of the step */
static int dstep(Ada *a, const float *logits, int n) {
    ada_observe(a, logits, n);
    return ada_step(a, n);
}

TEST(one_interval_by_hand) {
    Ada a;
    CHECK(ada_init(&a, 0.6f, 1, 1, 2, 0) == 0);          /* kimg 1: p moves by images/1000 */
    CHECK(dstep(&a, (float[]){1, 2, 3, -1}, 4) == 0);
    CHECK(a.p == 0);                                      /* not before the interval is complete */
    CHECK(dstep(&a, (float[]){0.5f, 1, 1, 1}, 4) == 1);
    CHECK_NEAR(a.rt, 0.75, 1e-7);                         /* (2 + 4) / 8 */
    CHECK_NEAR(a.p, 0.008, 1e-7);                         /* + 8 / 1000 */
    CHECK(a.steps == 0 && a.sign_n == 0 && a.sign_sum == 0 && a.images == 0);
    dstep(&a, (float[]){-1, -1, 1}, 3);
    CHECK(dstep(&a, (float[]){-1, -1, -1}, 3) == 1);      /* r_t = -4/6 < 0.6: down by 6/1000 */
    CHECK_NEAR(a.p, 0.002, 1e-7);
    dstep(&a, (float[]){-1, -1, -1, -1}, 4);
    dstep(&a, (float[]){-1, -1, -1, -1}, 4);
    CHECK(a.p == 0);                                      /* clamped at 0 */
    /* r_t exactly at the target: no change; zero logits count as sign 0, NaN too */
    CHECK(ada_init(&a, 0.5f, 1, 1, 1, 0.25f) == 0);
    dstep(&a, (float[]){1, 1, 1, -1}, 4);
    CHECK(a.p == 0.25f);
    dstep(&a, (float[]){1, 1, 0, NAN}, 4);                /* r_t = 0.5 */
    CHECK(a.p == 0.25f && a.rt == 0.5f);
    /* two passes on reals in one D step (main loss and lazy R1, as the reference counts them): the
     * statistic has 8 logits, the step counts the 4 images once */
    CHECK(ada_init(&a, 0.6f, 1, 1, 1, 0.5f) == 0);
    ada_observe(&a, (float[]){1, 1, 1, 1}, 4);
    ada_observe(&a, (float[]){1, 1, -1, -1}, 4);
    CHECK(ada_step(&a, 4) == 1);
    CHECK_NEAR(a.rt, 0.5, 1e-7);
    CHECK_NEAR(a.p, 0.496, 1e-7);
    /* an interval without logits leaves p alone */
    float before = a.p;
    CHECK(ada_step(&a, 4) == 1 && a.p == before);
}

TEST(settings_checked) {
    Ada a;
    CHECK(ada_init(&a, 0.6f, 0.8f, 500, 4, 0) == 0);
    CHECK(ada_init(&a, 1.0f, 0.8f, 500, 4, 0) < 0 && strstr(mg_error_get(), "target"));
    CHECK(ada_init(&a, 0.6f, 1.2f, 500, 4, 0) < 0 && strstr(mg_error_get(), "p_max"));
    CHECK(ada_init(&a, 0.6f, 0.5f, 500, 4, 0.7f) < 0 && strstr(mg_error_get(), "initial p"));
    CHECK(ada_init(&a, 0.6f, 0.5f, 0, 4, 0) < 0 && strstr(mg_error_get(), "kimg"));
    CHECK(ada_init(&a, 0.6f, 0.5f, 500, 0, 0) < 0 && strstr(mg_error_get(), "interval"));
}

/* A discriminator whose real logits are positive with probability (1 + r(p)) / 2, where
 * r(p) = r0 - slope p: more augmentation, less overfitting.  One D step = `batch` logits. */
typedef struct { float r0, slope; Rng rng; } SimD;

static void sim_step(SimD *d, float p, float *logits, int batch) {
    float r = d->r0 - d->slope * p, pos = 0.5f * (1 + r);
    for (int i = 0; i < batch; i++) logits[i] = rng_uniform1(&d->rng) < pos ? 1.0f : -1.0f;
}

/* runs `steps` D steps; returns the mean of p over the last `tail` steps, the largest p in *pmax */
static double simulate(Ada *a, SimD *d, long steps, long tail, float *trace, float *pmax) {
    float logits[32];
    double sum = 0;
    *pmax = 0;
    for (long s = 0; s < steps; s++) {
        sim_step(d, a->p, logits, 32);
        dstep(a, logits, 32);
        if (trace) trace[s] = a->p;
        if (a->p > *pmax) *pmax = a->p;
        if (s >= steps - tail) sum += a->p;
    }
    return sum / tail;
}

/* reference settings (target 0.6, interval 4, kimg 500, batch 32): p needs 500k images to move by
 * 1; r(p) = 0.92 - 0.64 p reaches the target at p = 0.5 */
TEST(converges_to_the_target) {
    Ada a;
    CHECK(ada_init(&a, 0.6f, 1, 500, 4, 0) == 0);
    SimD d = {0.92f, 0.64f, rng_new(1)};
    float pmax;
    double mean = simulate(&a, &d, 40000, 16000, NULL, &pmax);   /* 1.28M images */
    CHECK_NEAR(mean, 0.5, 0.03);
    CHECK(a.p > 0.4f && a.p < 0.6f);
    /* from above: p = 0.9 comes down to the same place */
    CHECK(ada_init(&a, 0.6f, 1, 500, 4, 0.9f) == 0);
    mean = simulate(&a, &d, 40000, 16000, NULL, &pmax);
    CHECK_NEAR(mean, 0.5, 0.03);
    /* a D that overfits at any p: p rises at the full rate, 32 * 4 / 500000 per interval */
    CHECK(ada_init(&a, 0.6f, 1, 500, 4, 0) == 0);
    SimD always = {1.0f, 0.0f, rng_new(2)};
    simulate(&a, &always, 4000, 1, NULL, &pmax);
    CHECK_NEAR(a.p, 1000 * 128 / 500000.0, 1e-4);
}

TEST(respects_p_max) {
    Ada a;
    CHECK(ada_init(&a, 0.6f, 0.4f, 20, 4, 0) == 0);
    SimD d = {0.95f, 0.1f, rng_new(3)};                  /* r > 0.6 for every p in [0, 1] */
    float pmax;
    simulate(&a, &d, 20000, 1, NULL, &pmax);
    CHECK(pmax == 0.4f && a.p == 0.4f);
    /* a bound above the equilibrium does not bind: r(p) = 0.92 - 0.64 p, kimg 20 */
    CHECK(ada_init(&a, 0.6f, 0.8f, 20, 4, 0) == 0);
    SimD e = {0.92f, 0.64f, rng_new(4)};
    double mean = simulate(&a, &e, 20000, 10000, NULL, &pmax);
    CHECK_NEAR(mean, 0.5, 0.05);
    CHECK(pmax < 0.8f);
}

TEST(exactly_reproducible_and_resumable) {
    enum { STEPS = 6001, SPLIT = 3001 };                 /* 3001 = the middle of an interval */
    static float t1[STEPS], t2[STEPS], t3[STEPS];
    Ada a, b;
    float pmax;
    CHECK(ada_init(&a, 0.6f, 0.9f, 10, 4, 0) == 0);
    SimD d1 = {0.92f, 0.64f, rng_new(5)};
    simulate(&a, &d1, STEPS, 1, t1, &pmax);
    CHECK(ada_init(&a, 0.6f, 0.9f, 10, 4, 0) == 0);
    SimD d2 = {0.92f, 0.64f, rng_new(5)};
    simulate(&a, &d2, STEPS, 1, t2, &pmax);
    CHECK(!memcmp(t1, t2, sizeof t1));
    /* interrupted at SPLIT, state through floats into a fresh controller, then continued */
    CHECK(ada_init(&a, 0.6f, 0.9f, 10, 4, 0) == 0);
    SimD d3 = {0.92f, 0.64f, rng_new(5)};
    simulate(&a, &d3, SPLIT, 1, t3, &pmax);
    CHECK(a.steps == 1 && a.sign_n == 32 && a.images == 32);
    float state[ADA_STATE_FLOATS];
    ada_state_save(&a, state);
    memset(&a, 0xff, sizeof a);
    CHECK(ada_init(&b, 0.6f, 0.9f, 10, 4, 0) == 0);
    CHECK(ada_state_load(&b, state) == 0);
    simulate(&b, &d3, STEPS - SPLIT, 1, t3 + SPLIT, &pmax);
    CHECK(!memcmp(t1, t3, sizeof t1));
    CHECK(t1[STEPS - 1] > 0.2f);                         /* p did move */
}

TEST(state_load_checked) {
    Ada a;
    CHECK(ada_init(&a, 0.6f, 0.5f, 500, 4, 0) == 0);
    float good[ADA_STATE_FLOATS] = {0.3f, 0.7f, -5, 64, 32, 2};
    CHECK(ada_state_load(&a, good) == 0 && a.p == 0.3f && a.sign_sum == -5 && a.sign_n == 64 && a.images == 32 &&
          a.steps == 2);
    float high[ADA_STATE_FLOATS] = {0.8f, 0.7f, 0, 0, 0, 0};   /* resumed with a lower p_max: starts at it */
    CHECK(ada_state_load(&a, high) == 0 && a.p == 0.5f);
    float bad[][ADA_STATE_FLOATS] = {{NAN, 0, 0, 0, 0, 0}, {1.5f, 0, 0, 0, 0, 0}, {0.1f, 2, 0, 0, 0, 0},
                                     {0.1f, 0, 0.5f, 4, 4, 0}, {0.1f, 0, 9, 4, 4, 0}, {0.1f, 0, 0, -1, 0, 0},
                                     {0.1f, 0, 0, 3.5f, 4, 0}, {0.1f, 0, 0, 4, -4, 0}, {0.1f, 0, 0, 4, 4.5f, 0},
                                     {0.1f, 0, 0, 4, 4, 4}, {0.1f, 0, 0, 4, 4, 1.5f}, {0.1f, 0, 0, 4, 1e9f, 1}};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        Ada before = a;
        CHECK_MSG(ada_state_load(&a, bad[k]) < 0, "bad state %zu accepted", k);
        CHECK(a.p == before.p && a.rt == before.rt && a.sign_sum == before.sign_sum && a.sign_n == before.sign_n &&
              a.images == before.images && a.steps == before.steps);   /* nothing changed */
    }
}

int main(void) {
    RUN(one_interval_by_hand);
    RUN(settings_checked);
    RUN(converges_to_the_target);
    RUN(respects_p_max);
    RUN(exactly_reproducible_and_resumable);
    RUN(state_load_checked);
    return test_summary();
}
