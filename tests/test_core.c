/* Core pieces: Philox known answers, distributions, arena reuse, optimizers against hand-computed
 * steps, determinism for a fixed seed and thread count. */
#include "test.h"
#include "core/rng.h"
#include "core/arena.h"
#include "core/threads.h"
#include "ops/ops.h"
#include "optim/optim.h"
#include <string.h>

TEST(philox_known_answers) {
    /* Random123 kat_vectors: philox4x32_10 */
    uint32_t o[4];
    philox4x32(0, 0, 0, o);
    CHECK(o[0] == 0x6627e8d5u && o[1] == 0xe169c58du && o[2] == 0xbc57ac4cu && o[3] == 0x9b00dbd8u);
    philox4x32(0xffffffffffffffffull, 0xffffffffffffffffull, 0xffffffffffffffffull, o);
    CHECK(o[0] == 0x408f276du && o[1] == 0x41c83b0eu && o[2] == 0xa20bc7c6u && o[3] == 0x6d5451fdu);
    /* key (0xa4093822, 0x299f31d0), counter (0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344) */
    philox4x32(0x299f31d0a4093822ull, 0x0370734413198a2eull, 0x85a308d3243f6a88ull, o);
    CHECK(o[0] == 0xd16cfe09u && o[1] == 0x94fdccebu && o[2] == 0x5001e420u && o[3] == 0x24126ea1u);
}

TEST(distributions) {
    enum { n = 200000 };
    static float x[n];
    Rng r = rng_new(7);
    rng_normal(&r, x, n, 1.0f, 2.0f);
    double m = 0, v = 0;
    for (int i = 0; i < n; i++) m += x[i];
    m /= n;
    for (int i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
    v /= n - 1;
    CHECK_NEAR(m, 1.0, 0.02);      /* 4 standard errors: 2 / sqrt(n) * 4 = 0.018 */
    CHECK_NEAR(v, 4.0, 0.02);
    rng_uniform(&r, x, n, -1, 3);
    double lo = 1e9, hi = -1e9;
    m = 0;
    for (int i = 0; i < n; i++) { lo = fmin(lo, x[i]); hi = fmax(hi, x[i]); m += x[i]; }
    CHECK(lo >= -1 && hi < 3);
    CHECK_NEAR(m / n, 1.0, 0.01);
    rng_truncated_normal(&r, x, 10000, 0, 1, -2, 2);
    for (int i = 0; i < 10000; i++) CHECK(x[i] >= -2 && x[i] <= 2);
    int perm[1000], seen[1000] = {0};
    rng_permutation(&r, perm, 1000);
    int ok = 1, moved = 0;
    for (int i = 0; i < 1000; i++) { ok &= perm[i] >= 0 && perm[i] < 1000 && !seen[perm[i]]; seen[perm[i]] = 1; moved += perm[i] != i; }
    CHECK(ok && moved > 900);
}

/* the streams as defined (core/rng.h): uniform element i is word base+i, normal element i is Box-Muller on
 * words base+2i and base+2i+1, word j is lane j%4 of Philox block j/4 - checked from an odd offset, at a size that
 * is threaded, against philox4x32 called per word */
TEST(draws_are_the_documented_words) {
    enum { n = 70001 };
    static float u[n], z[n];
    Rng r = rng_new(99);
    rng_u32(&r), rng_u32(&r), rng_u32(&r);                 /* counter 3: blocks straddle the elements */
    const uint64_t base = r.counter;
    rng_uniform(&r, u, n, -2, 3);
    const uint64_t zbase = r.counter;
    rng_normal(&r, z, n, 0.5f, 1.5f);
    CHECK(r.counter == zbase + 2 * (uint64_t)n);
    int ok_u = 1, ok_z = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t b[4], a2[4];
        philox4x32(99, 0, (base + i) >> 2, b);
        ok_u &= u[i] == -2 + 5 * ((float)(b[(base + i) & 3] >> 8) * (1.0f / 16777216.0f));
        philox4x32(99, 0, (zbase + 2 * i) >> 2, b);
        philox4x32(99, 0, (zbase + 2 * i + 1) >> 2, a2);
        const uint32_t wa = b[(zbase + 2 * i) & 3], wb = a2[(zbase + 2 * i + 1) & 3];
        const double u1 = ((wa >> 8) + 1.0) / 16777217.0, u2 = (wb >> 8) / 16777216.0;
        ok_z &= z[i] == 0.5f + 1.5f * (float)(sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
    }
    CHECK(ok_u);
    CHECK(ok_z);
}

TEST(same_seed_same_numbers_any_thread_count) {
    static float a[100000], b[100000];
    mg_set_threads(1);
    Rng r1 = rng_new(42);
    rng_normal(&r1, a, 100000, 0, 1);
    mg_set_threads(2);
    Rng r2 = rng_new(42);
    rng_normal(&r2, b, 100000, 0, 1);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(r1.counter == r2.counter);
    Rng r3 = rng_new(43);
    rng_normal(&r3, b, 10, 0, 1);
    CHECK(memcmp(a, b, 10 * sizeof(float)) != 0);
}

/* a conv layer's gradients: bitwise equal on repeat and for 1 or 2 threads (conv work is split into
 * chunks that depend on the problem size only) */
static void conv_grads(float *out, int n) {
    mg_step_reset();
    Rng r = rng_new(3);
    Tensor *x = tensor_new(TSHAPE(32, 3, 12, 12)), *w = tensor_new(TSHAPE(8, 3, 3, 3));
    rng_normal(&r, x->data, tensor_numel(x), 0, 1);
    rng_normal(&r, w->data, tensor_numel(w), 0, 1);
    x->requires_grad = w->requires_grad = 1;
    Tensor *y = mg_sum_all(mg_square(mg_conv2d(x, w, NULL, (ConvGeom){1, 1, 0, 1}))), *g[2];
    mg_grad(1, &y, NULL, 2, (Tensor *[]){x, w}, g, 0);
    memcpy(out, g[1]->data, n * sizeof(float));
}

TEST(deterministic_for_any_thread_count) {
    float a[216], b[216], c[216];
    mg_set_threads(2);
    conv_grads(a, 216);
    conv_grads(b, 216);
    CHECK(memcmp(a, b, sizeof a) == 0);
    mg_set_threads(1);
    conv_grads(c, 216);
    mg_set_threads(2);
    CHECK(memcmp(a, c, sizeof a) == 0);
}

TEST(arena_reuses_memory_between_steps) {
    Arena *a = arena_new(1 << 16);
    for (int step = 0; step < 5; step++) {
        arena_reset(a);
        for (int i = 0; i < 100; i++) {
            float *p = arena_alloc(a, 1000 + i * 37);
            CHECK(((uintptr_t)p & 63) == 0);
            memset(p, 1, 1000);
        }
        void *big = arena_alloc(a, 1 << 20);     /* larger than a chunk */
        memset(big, 0, 1 << 20);
    }
    size_t peak = arena_peak(a);
    arena_reset(a);
    for (int i = 0; i < 100; i++) arena_alloc(a, 1000 + i * 37);
    arena_alloc(a, 1 << 20);
    CHECK(arena_peak(a) == peak);
    arena_free(a);
}

static ParamStore *two_params(void) {
    ParamStore *ps = params_new();
    params_add(ps, "w", TSHAPE(2, 3));
    params_add(ps, "b", TSHAPE(3));
    params_finalize(ps);
    for (int i = 0; i < 6; i++) params_find(ps, "w")->t.data[i] = 0.1f * i - 0.2f;
    for (int i = 0; i < 3; i++) params_find(ps, "b")->t.data[i] = 1.0f + i;
    return ps;
}

TEST(adam_matches_hand_computation) {
    ParamStore *ps = two_params();
    Adam opt = adam_default(0.01f, 0.5f, 0.999f);
    opt.weight_decay = 0.1f;
    double p = params_find(ps, "b")->t.data[1], m = 0, v = 0;
    for (int t = 1; t <= 5; t++) {
        params_zero_grad(ps);
        for (size_t i = 0; i < ps->total; i++) ps->grads[i] = 0.3f * t + 0.5f;   /* same grad everywhere, well away from 0 */
        double g = (double)(0.3f * t + 0.5f) + 0.1 * p;
        m = 0.5 * m + 0.5 * g;
        v = 0.999 * v + 0.001 * g * g;
        double mh = m / (1 - pow(0.5, t)), vh = v / (1 - pow(0.999, t));
        p -= 0.01 * mh / (sqrt(vh) + 1e-8);
        adam_step(&opt, ps);
    }
    CHECK_NEAR(params_find(ps, "b")->t.data[1], p, 1e-5);
    CHECK(opt.step == 5);
    params_free(ps);
}

TEST(sgd_momentum_and_ema) {
    ParamStore *ps = two_params();
    Sgd opt = {.lr = 0.1f, .momentum = 0.9f};
    Ema ema = ema_new(ps, 0.5f);
    double p = ps->values[0], buf = 0, e = p;
    for (int t = 0; t < 3; t++) {
        for (size_t i = 0; i < ps->total; i++) ps->grads[i] = 1.0f + t;
        buf = t == 0 ? 1.0 + t : 0.9 * buf + (1.0 + t);
        p -= 0.1 * buf;
        sgd_step(&opt, ps);
        ema_update(&ema, ps);
        e = 0.5 * e + 0.5 * p;
    }
    CHECK_NEAR(ps->values[0], p, 1e-6);
    CHECK_NEAR(ema.shadow[0], e, 1e-6);
    ema_free(&ema);
    params_free(ps);
}

TEST(frozen_parameters_get_no_gradient) {
    ParamStore *ps = two_params();
    Tensor *w = &params_find(ps, "w")->t, *b = &params_find(ps, "b")->t;
    params_set_requires_grad(ps, 0);
    b->requires_grad = 1;
    Tensor *x = tensor_full(TSHAPE(4, 3), 1.0f);
    mg_backward(mg_add(mg_sum_all(mg_linear(x, w, NULL)), mg_sum_all(mg_affine(b, 4, 0))));
    CHECK(ps->grads[params_find(ps, "w")->offset] == 0);
    CHECK(ps->grads[params_find(ps, "b")->offset] == 4);
    params_free(ps);
}

int main(void) {
    RUN(philox_known_answers);
    RUN(distributions);
    RUN(draws_are_the_documented_words);
    RUN(same_seed_same_numbers_any_thread_count);
    RUN(deterministic_for_any_thread_count);
    RUN(arena_reuses_memory_between_steps);
    RUN(adam_matches_hand_computation);
    RUN(sgd_momentum_and_ema);
    RUN(frozen_parameters_get_no_gradient);
    return test_summary();
}
