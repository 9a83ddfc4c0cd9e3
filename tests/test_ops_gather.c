/* Per-sample pixel remapping (ops/gather.c): values by hand, kernels against their plain
 * references (kernels/gather.h ref_*), adjointness, thread-count independence, gradients against
 * finite differences (first and second order), and that the op keeps its own copy of the map. */
#include "gradcheck.h"
#include "core/error.h"
#include "kernels/gather.h"
#include <omp.h>

#define H 1e-2
#define TOL 5e-3
#define TOL2 1.5e-2

/* a map [N, HW] with -1 entries and repeated sources (so scatter_add really adds) */
static int *random_map(int N, int HW, uint64_t seed) {
    int *m = mg_xmalloc((size_t)N * HW * sizeof *m);
    Rng r = rng_new(seed);
    for (int i = 0; i < N * HW; i++) {
        float u = rng_uniform1(&r);
        m[i] = u < 0.15f ? -1 : (int)(rng_uniform1(&r) * (float)HW);
    }
    return m;
}

TEST(gather_values_by_hand) {
    Tensor *x = tensor_from(TSHAPE(2, 1, 2, 2), (float[]){1, 2, 3, 4, 10, 20, 30, 40});
    int map[8] = {3, -1, 0, 0,      /* sample 0 */
                  1, 2, 3, 0};      /* sample 1 */
    Tensor *y = mg_gather_pixels(x, map);
    float want[8] = {4, 0, 1, 1, 20, 30, 40, 10};
    CHECK(y->ndim == 4 && y->shape[0] == 2 && y->shape[1] == 1 && y->shape[2] == 2 && y->shape[3] == 2);
    for (int i = 0; i < 8; i++) CHECK_NEAR(y->data[i], want[i], 0);
    /* adjoint: sample 0 sends pixel 0 to 2 and 3, pixel 3 to 0, pixel 1 nowhere */
    Tensor *g = tensor_from(TSHAPE(2, 1, 2, 2), (float[]){1, 2, 3, 4, 5, 6, 7, 8});
    Tensor *s = mg_scatter_add_pixels(g, map);
    float want_s[8] = {3 + 4, 0, 0, 1, 8, 5, 6, 7};
    for (int i = 0; i < 8; i++) CHECK_NEAR(s->data[i], want_s[i], 0);
    /* the map is shared by the channels of a sample */
    Tensor *x2 = tensor_from(TSHAPE(1, 2, 1, 3), (float[]){1, 2, 3, 4, 5, 6});
    Tensor *y2 = mg_gather_pixels(x2, (int[]){2, 1, -1});
    float want2[6] = {3, 2, 0, 6, 5, 0};
    for (int i = 0; i < 6; i++) CHECK_NEAR(y2->data[i], want2[i], 0);
}

/* the kernels against the plain loops, small (one thread) and large enough to be threaded */
TEST(kernels_match_references) {
    int cases[2][4] = {{3, 2, 5, 7}, {8, 3, 40, 40}};
    for (int k = 0; k < 2; k++) {
        int N = cases[k][0], C = cases[k][1], HW = cases[k][2] * cases[k][3];
        int *map = random_map(N, HW, 7 + k);
        Tensor *x = gc_input(TSHAPE(N, C, cases[k][2], cases[k][3]), 11 + k, -1, 1);
        size_t n = tensor_numel(x);
        float *a = mg_xmalloc(n * sizeof *a), *b = mg_xmalloc(n * sizeof *b);
        cpu_gather_pixels(N, C, HW, map, x->data, a);
        ref_gather_pixels(N, C, HW, map, x->data, b);
        CHECK(!memcmp(a, b, n * sizeof *a));
        cpu_scatter_add_pixels(N, C, HW, map, x->data, a);
        ref_scatter_add_pixels(N, C, HW, map, x->data, b);
        CHECK(!memcmp(a, b, n * sizeof *a));        /* same order of additions: bitwise */
        free(a);
        free(b);
        free(map);
    }
}

/* <gather(x), g> = <x, scatter_add(g)> */
TEST(scatter_is_the_adjoint) {
    int N = 4, C = 3, Hh = 6, W = 5;
    int *map = random_map(N, Hh * W, 3);
    Tensor *x = gc_input(TSHAPE(N, C, Hh, W), 1, -1, 1), *g = gc_input(TSHAPE(N, C, Hh, W), 2, -1, 1);
    Tensor *gx = mg_gather_pixels(x, map), *sg = mg_scatter_add_pixels(g, map);
    double l = 0, r = 0;
    for (size_t i = 0; i < tensor_numel(x); i++) {
        l += (double)gx->data[i] * g->data[i];
        r += (double)x->data[i] * sg->data[i];
    }
    CHECK_NEAR(l, r, 1e-5);
    free(map);
}

TEST(same_result_for_any_thread_count) {
    int N = 16, C = 3, S = 32, HW = S * S;        /* 49k pixels: above the threading threshold */
    int *map = random_map(N, HW, 5);
    Tensor *x = gc_input(TSHAPE(N, C, S, S), 4, -1, 1);
    int old = omp_get_max_threads();
    omp_set_num_threads(1);
    Tensor *a = mg_scatter_add_pixels(mg_gather_pixels(x, map), map);
    omp_set_num_threads(2);
    Tensor *b = mg_scatter_add_pixels(mg_gather_pixels(x, map), map);
    omp_set_num_threads(old);
    CHECK(!memcmp(a->data, b->data, tensor_numel(a) * sizeof(float)));
    free(map);
}

typedef struct { const int *map; int scatter; } RemapCtx;
/* squared, so that the gradient depends on x and the second order runs through both ops of the pair */
static Tensor *f_remap_sq(Tensor *const *in, void *c) {
    RemapCtx *r = c;
    Tensor *y = r->scatter ? mg_scatter_add_pixels(in[0], r->map) : mg_gather_pixels(in[0], r->map);
    return mg_square(y);
}
/* a remap inside a nonlinear chain with a second input: tanh(gather(x)) * gather(w) */
static Tensor *f_remap_mix(Tensor *const *in, void *c) {
    RemapCtx *r = c;
    return mg_mul(mg_tanh(mg_gather_pixels(in[0], r->map)), mg_scatter_add_pixels(in[1], r->map));
}

TEST(gradients_first_and_second_order) {
    int N = 2, C = 2, Hh = 4, W = 3;
    int *map = random_map(N, Hh * W, 9);
    Tensor *x = gc_input(TSHAPE(N, C, Hh, W), 31, -1.5, 1.5), *w = gc_input(TSHAPE(N, C, Hh, W), 32, -1, 1);
    Tensor *in[2] = {x, w};
    RemapCtx gat = {map, 0}, sca = {map, 1};
    CHECK(gradcheck("gather_sq", f_remap_sq, &gat, 1, in, H, TOL, 50));
    CHECK(gradcheck("scatter_sq", f_remap_sq, &sca, 1, in, H, TOL, 50));
    CHECK(gradcheck2("gather_sq", f_remap_sq, &gat, 1, in, 0, H, TOL2, 50));
    CHECK(gradcheck2("scatter_sq", f_remap_sq, &sca, 1, in, 0, H, TOL2, 50));
    CHECK(gradcheck("remap_mix", f_remap_mix, &gat, 2, in, H, TOL, 50));
    CHECK(gradcheck2("remap_mix_wrt_x", f_remap_mix, &gat, 2, in, 0, H, TOL2, 50));
    CHECK(gradcheck2("remap_mix_wrt_w", f_remap_mix, &gat, 2, in, 1, H, TOL2, 50));
    free(map);
    mg_step_reset();
}

/* the backward uses the map as it was at the call, even if the caller reuses its buffer */
TEST(op_keeps_its_own_map) {
    int N = 2, HW = 6;
    int *map = random_map(N, HW, 13);
    int saved[12];
    memcpy(saved, map, sizeof saved);
    Tensor *x = gc_input(TSHAPE(N, 1, 2, 3), 6, -1, 1);
    Tensor *y = mg_gather_pixels(x, map);
    for (int i = 0; i < N * HW; i++) map[i] = -1;             /* caller reuses the buffer */
    Tensor *g = gc_input(TSHAPE(N, 1, 2, 3), 8, -1, 1), *gx;
    g->requires_grad = 0;
    mg_grad(1, &y, &g, 1, &x, &gx, 0);
    Tensor *want = mg_scatter_add_pixels(g, saved);
    CHECK(!memcmp(gx->data, want->data, N * HW * sizeof(float)));
    free(map);
    mg_step_reset();
}

int main(void) {
    RUN(gather_values_by_hand);
    RUN(kernels_match_references);
    RUN(scatter_is_the_adjoint);
    RUN(same_result_for_any_thread_count);
    RUN(gradients_first_and_second_order);
    RUN(op_keeps_its_own_map);
    return test_summary();
}
