/* Elementwise, shape, reduction and matmul ops: values against plain loops, gradients against
 * finite differences (first order: tol 4e-3 relative with h = 1e-2 or 2.5e-3; second order: tol 1e-2). */
#include "gradcheck.h"
#include "kernels/gemm.h"
#include "kernels/reduce.h"
#include <stdlib.h>
#include <omp.h>

#define H 1e-2
#define TOL 4e-3
#define TOL2 1e-2

static Tensor *f_add(Tensor *const *x, void *c) { return mg_add(x[0], x[1]); }
static Tensor *f_sub(Tensor *const *x, void *c) { return mg_sub(x[0], x[1]); }
static Tensor *f_mul(Tensor *const *x, void *c) { return mg_mul(x[0], x[1]); }
static Tensor *f_div(Tensor *const *x, void *c) { return mg_div(x[0], x[1]); }

TEST(binary_broadcast_values) {
    Tensor *a = tensor_from(TSHAPE(2, 3), (float[]){1, 2, 3, 4, 5, 6});
    Tensor *b = tensor_from(TSHAPE(3), (float[]){10, 20, 30});
    Tensor *c = tensor_from(TSHAPE(2, 1), (float[]){100, 200});
    Tensor *y = mg_add(a, b), *z = mg_mul(a, c), *w = mg_sub(b, a), *q = mg_div(a, c);
    float ey[] = {11, 22, 33, 14, 25, 36}, ez[] = {100, 200, 300, 800, 1000, 1200};
    for (int i = 0; i < 6; i++) {
        CHECK_NEAR(y->data[i], ey[i], 1e-6);
        CHECK_NEAR(z->data[i], ez[i], 1e-6);
        float bv = 10.0f * (i % 3 + 1);
        CHECK_NEAR(w->data[i], bv - a->data[i], 1e-6);
        CHECK_NEAR(q->data[i], a->data[i] / (i < 3 ? 100.f : 200.f), 1e-6);
    }
    CHECK(y->ndim == 2 && y->shape[0] == 2 && y->shape[1] == 3);
}

/* every broadcast pattern of a 4-D output against a plain loop: the kernel merges dimensions the
 * operands walk as one (kernels/cpu/elementwise.c coalesce), which must not change any value */
TEST(binary_broadcast_patterns) {
    const int S[4] = {2, 3, 4, 5};
    for (int ma = 0; ma < 16; ma++)
        for (int mb = 0; mb < 16; mb++) {          /* bit d set: the operand has size 1 in dimension d */
            int sa[4], sb[4];
            for (int d = 0; d < 4; d++) { sa[d] = ma >> d & 1 ? 1 : S[d]; sb[d] = mb >> d & 1 ? 1 : S[d]; }
            Tensor *a = tensor_new(4, sa), *b = tensor_new(4, sb);
            for (size_t i = 0; i < tensor_numel(a); i++) a->data[i] = (float)(i % 7) - 3;
            for (size_t i = 0; i < tensor_numel(b); i++) b->data[i] = (float)(i % 5) + 1;
            Tensor *y = mg_mul(a, b), *z = mg_sub(a, b);
            int so[4];                                 /* the output: size 1 where both operands are */
            for (int d = 0; d < 4; d++) so[d] = sa[d] > sb[d] ? sa[d] : sb[d];
            CHECK(y->ndim == 4 && y->shape[0] == so[0] && y->shape[1] == so[1] && y->shape[2] == so[2] && y->shape[3] == so[3]);
            for (int i0 = 0; i0 < so[0]; i0++) for (int i1 = 0; i1 < so[1]; i1++) for (int i2 = 0; i2 < so[2]; i2++) for (int i3 = 0; i3 < so[3]; i3++) {
                const int ia[4] = {i0 % sa[0], i1 % sa[1], i2 % sa[2], i3 % sa[3]}, ib[4] = {i0 % sb[0], i1 % sb[1], i2 % sb[2], i3 % sb[3]};
                const float va = a->data[((ia[0] * sa[1] + ia[1]) * sa[2] + ia[2]) * sa[3] + ia[3]];
                const float vb = b->data[((ib[0] * sb[1] + ib[1]) * sb[2] + ib[2]) * sb[3] + ib[3]];
                const int o = ((i0 * so[1] + i1) * so[2] + i2) * so[3] + i3;
                CHECK_NEAR(y->data[o], va * vb, 0);
                CHECK_NEAR(z->data[o], va - vb, 0);
            }
        }
}

TEST(binary_grads) {
    Tensor *in[2];
    in[0] = gc_input(TSHAPE(2, 3, 4), 1, -1, 1);
    in[1] = gc_input(TSHAPE(3, 1), 2, 0.5f, 2);     /* broadcast [3,1] -> [2,3,4]; positive: safe divisor */
    CHECK(gradcheck("add", f_add, NULL, 2, in, H, TOL, 100));
    CHECK(gradcheck("sub", f_sub, NULL, 2, in, H, TOL, 100));
    CHECK(gradcheck("mul", f_mul, NULL, 2, in, H, TOL, 100));
    CHECK(gradcheck("div", f_div, NULL, 2, in, H, TOL, 100));
    CHECK(gradcheck2("mul", f_mul, NULL, 2, in, 0, H, TOL2, 50));
    CHECK(gradcheck2("div", f_div, NULL, 2, in, 0, H, TOL2, 50));
}

typedef Tensor *(*Unary)(Tensor *);
static Tensor *f_unary(Tensor *const *x, void *c) { return ((Unary)c)(x[0]); }
static Tensor *lrelu02(Tensor *x) { return mg_leaky_relu(x, 0.2f); }
static Tensor *affine_op(Tensor *x) { return mg_affine(x, -1.5f, 0.25f); }

TEST(unary_values) {
    Tensor *x = tensor_from(TSHAPE(5), (float[]){-2, -0.5f, 0.1f, 1, 30});
    Tensor *s = mg_softplus(x), *g = mg_sigmoid(x), *l = mg_leaky_relu(x, 0.2f), *t = mg_tanh(x);
    for (int i = 0; i < 5; i++) {
        double v = x->data[i];
        CHECK_NEAR(s->data[i], log1p(exp(v)), 1e-5);
        CHECK_NEAR(g->data[i], 1 / (1 + exp(-v)), 1e-6);
        CHECK_NEAR(l->data[i], v > 0 ? v : 0.2 * v, 1e-7);
        CHECK_NEAR(t->data[i], tanh(v), 1e-6);
    }
    Tensor *big = tensor_from(TSHAPE(2), (float[]){-200, 200});
    Tensor *sp = mg_softplus(big);
    CHECK(isfinite(sp->data[0]) && isfinite(sp->data[1]));
    CHECK_NEAR(sp->data[1], 200, 1e-6);
}

TEST(unary_grads) {
    struct { const char *name; Unary f; float lo, hi; int second; } ops[] = {
        {"exp", mg_exp, -1, 1, 1},      {"log", mg_log, 0.5f, 2, 1},     {"sqrt", mg_sqrt, 0.5f, 2, 1},
        {"rsqrt", mg_rsqrt, 0.5f, 2, 1}, {"square", mg_square, -1, 1, 1}, {"abs", mg_abs, -1, 1, 0},
        {"tanh", mg_tanh, -2, 2, 1},    {"sigmoid", mg_sigmoid, -3, 3, 1}, {"softplus", mg_softplus, -3, 3, 1},
        {"relu", mg_relu, -1, 1, 0},    {"leaky_relu", lrelu02, -1, 1, 1}, {"affine", affine_op, -1, 1, 1},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        Tensor *x = gc_input(TSHAPE(3, 7), 10 + k, ops[k].lo, ops[k].hi);
        CHECK_MSG(gradcheck(ops[k].name, f_unary, (void *)ops[k].f, 1, &x, H / 4, TOL, 100), "%s", ops[k].name);
        /* second order of the leaky ReLU family is checked through a bilinear use (see below) */
        if (ops[k].second && k != 10)
            CHECK_MSG(gradcheck2(ops[k].name, f_unary, (void *)ops[k].f, 1, &x, 0, H / 4, TOL2, 50), "%s", ops[k].name);
    }
}

/* leaky_relu(x * w): the gradient wrt x depends on w through the mask_mul, so the second-order
 * check exercises mask_mul's own backward */
static Tensor *f_lrelu_mul(Tensor *const *x, void *c) { return mg_leaky_relu(mg_mul(x[0], x[1]), 0.2f); }
TEST(leaky_relu_second_order) {
    Tensor *in[2] = {gc_input(TSHAPE(4, 5), 3, -1, 1), gc_input(TSHAPE(5), 4, 0.5f, 1.5f)};
    CHECK(gradcheck("lrelu_mul", f_lrelu_mul, NULL, 2, in, H / 4, TOL, 100));
    CHECK(gradcheck2("lrelu_mul", f_lrelu_mul, NULL, 2, in, 0, H / 4, TOL2, 50));
}

static Tensor *f_sum_axes(Tensor *const *x, void *c) { return mg_sum(x[0], *(unsigned *)c, 0); }
static Tensor *f_mean_keep(Tensor *const *x, void *c) { return mg_mean(x[0], *(unsigned *)c, 1); }
static Tensor *f_lse(Tensor *const *x, void *c) { return mg_logsumexp(x[0]); }

TEST(reductions) {
    Tensor *x = gc_input(TSHAPE(2, 3, 4, 5), 5, -1, 1);
    unsigned masks[] = {1, 2, 4, 8, 0xD, 0xF, 0x6, 0xA};
    for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++) {
        Tensor *y = mg_sum(x, masks[k], 1);
        /* reference: brute force */
        int ok = 1;
        for (int a = 0; a < y->shape[0]; a++) for (int b = 0; b < y->shape[1]; b++)
        for (int c = 0; c < y->shape[2]; c++) for (int d = 0; d < y->shape[3]; d++) {
            double s = 0;
            for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k2 = 0; k2 < 4; k2++) for (int l = 0; l < 5; l++) {
                if (!(masks[k] & 1) && i != a) continue;
                if (!(masks[k] & 2) && j != b) continue;
                if (!(masks[k] & 4) && k2 != c) continue;
                if (!(masks[k] & 8) && l != d) continue;
                s += x->data[((i * 3 + j) * 4 + k2) * 5 + l];
            }
            float got = y->data[((a * y->shape[1] + b) * y->shape[2] + c) * y->shape[3] + d];
            if (fabs(got - s) > 1e-5) ok = 0;
        }
        CHECK_MSG(ok, "sum over mask 0x%x", masks[k]);
        CHECK(gradcheck("sum", f_sum_axes, &masks[k], 1, &x, H, TOL, 60));
        CHECK(gradcheck("mean", f_mean_keep, &masks[k], 1, &x, H, TOL, 60));
    }
    Tensor *l = gc_input(TSHAPE(3, 6), 6, -3, 3);
    Tensor *y = mg_logsumexp(l);
    for (int r = 0; r < 3; r++) {
        double s = 0;
        for (int j = 0; j < 6; j++) s += exp(l->data[r * 6 + j]);
        CHECK_NEAR(y->data[r], log(s), 1e-5);
    }
    CHECK(gradcheck("logsumexp", f_lse, NULL, 1, &l, H, TOL, 100));
    CHECK(gradcheck2("logsumexp", f_lse, NULL, 1, &l, 0, H, TOL2, 50));
}

/* sums over a block of dims between kept ones (the channel mean of [N,C,H,W]) at a size that is
 * threaded: against a plain double loop in the same order (so bitwise), and the same for 1 and 2 threads */
TEST(middle_axis_sums_threaded) {
    int N = 4, C = 3, Hh = 48, W = 40;
    Tensor *x = gc_input(TSHAPE(N, C, Hh, W), 9, -1, 1);
    unsigned masks[] = {0x2, 0x6, 0x4};
    int old = omp_get_max_threads();
    for (size_t k = 0; k < sizeof masks / sizeof masks[0]; k++) {
        omp_set_num_threads(1);
        Tensor *y1 = mg_sum(x, masks[k], 1);
        omp_set_num_threads(2);
        Tensor *y2 = mg_sum(x, masks[k], 1);
        CHECK(!memcmp(y1->data, y2->data, tensor_numel(y1) * sizeof(float)));
        int ok = 1;
        for (int n = 0; n < N; n++) {
            if (masks[k] == 0x2)
                for (int p = 0; p < Hh * W; p++) {
                    double s = 0;
                    for (int c = 0; c < C; c++) s += x->data[(n * C + c) * Hh * W + p];
                    ok &= y1->data[n * Hh * W + p] == (float)s;
                }
            else if (masks[k] == 0x6)
                for (int w = 0; w < W; w++) {
                    double s = 0;
                    for (int c = 0; c < C; c++) for (int i = 0; i < Hh; i++) s += x->data[((n * C + c) * Hh + i) * W + w];
                    ok &= y1->data[n * W + w] == (float)s;
                }
            else
                for (int c = 0; c < C; c++) for (int w = 0; w < W; w++) {
                    double s = 0;
                    for (int i = 0; i < Hh; i++) s += x->data[((n * C + c) * Hh + i) * W + w];
                    ok &= y1->data[(n * C + c) * W + w] == (float)s;
                }
        }
        CHECK_MSG(ok, "sum over mask 0x%x", masks[k]);
    }
    omp_set_num_threads(old);
    mg_step_reset();
}

/* mul_sum_to(a, b) is sum_to(a * b) without the product: bitwise the same for every layout the reduction
 * kernel has a path for (all, trailing, a kept block, a reduced block, the general loop), threaded or not;
 * gradients of first and second order against finite differences */
typedef struct { int nd, shape[4]; } Target;
static Tensor *f_mul_sum_to(Tensor *const *x, void *c) {
    const Target *t = c;
    return mg_mul_sum_to(x[0], x[1], t->nd, t->shape);
}

TEST(mul_sum_to_is_sum_to_of_mul) {
    const int N = 4, C = 5, Hh = 48, W = 40;        /* 38400 elements: the threaded loops */
    Tensor *a = gc_input(TSHAPE(N, C, Hh, W), 21, -1, 1), *b = gc_input(TSHAPE(N, C, Hh, W), 22, -1, 1);
    const Target targets[] = {{1, {1}}, {4, {N, C, 1, 1}}, {3, {C, 1, 1}}, {3, {C, Hh, W}}, {4, {N, 1, Hh, W}},
                              {4, {1, C, 1, W}}, {4, {N, C, Hh, W}}};
    int old = omp_get_max_threads();
    for (size_t k = 0; k < sizeof targets / sizeof targets[0]; k++) {
        const Target *t = &targets[k];
        Tensor *ref = mg_sum_to(mg_mul(a, b), t->nd, t->shape);
        for (int th = 1; th <= 2; th++) {
            omp_set_num_threads(th);
            Tensor *y = mg_mul_sum_to(a, b, t->nd, t->shape);
            CHECK_MSG(tensor_same_shape(y, ref) && !memcmp(y->data, ref->data, tensor_numel(y) * sizeof(float)),
                      "target %zu, %d threads", k, th);
        }
    }
    omp_set_num_threads(old);
    Tensor *in[2] = {gc_input(TSHAPE(2, 3, 4, 5), 23, -1, 1), gc_input(TSHAPE(2, 3, 4, 5), 24, -1, 1)};
    const Target small[] = {{4, {2, 3, 1, 1}}, {4, {2, 1, 4, 5}}, {1, {1}}};
    for (size_t k = 0; k < sizeof small / sizeof small[0]; k++) {
        CHECK_MSG(gradcheck("mul_sum_to", f_mul_sum_to, (void *)&small[k], 2, in, H, TOL, 60), "target %zu", k);
        CHECK_MSG(gradcheck2("mul_sum_to", f_mul_sum_to, (void *)&small[k], 2, in, 0, H, TOL2, 30), "target %zu", k);
    }
    mg_step_reset();
}

static Tensor *f_permute(Tensor *const *x, void *c) { return mg_mul(mg_permute(x[0], (int[]){2, 0, 3, 1}), mg_permute(x[0], (int[]){2, 0, 3, 1})); }
static Tensor *f_reshape(Tensor *const *x, void *c) { return mg_reshape(mg_permute(x[0], (int[]){1, 0, 2, 3}), TSHAPE(-1, 10)); }
static Tensor *f_expand(Tensor *const *x, void *c) { return mg_expand(x[0], TSHAPE(3, 2, 4, 5)); }
static Tensor *f_slice(Tensor *const *x, void *c) { return mg_square(mg_slice(x[0], 2, 1, 2)); }
static Tensor *f_concat(Tensor *const *x, void *c) { return mg_square(mg_concat(2, x, 1)); }

TEST(shape_ops) {
    Tensor *x = gc_input(TSHAPE(2, 3, 4, 5), 7, -1, 1);
    Tensor *p = mg_contiguous(mg_permute(x, (int[]){2, 0, 3, 1}));
    CHECK(p->shape[0] == 4 && p->shape[1] == 2 && p->shape[2] == 5 && p->shape[3] == 3);
    CHECK(p->data[((1 * 2 + 1) * 5 + 2) * 3 + 0] == x->data[((1 * 3 + 0) * 4 + 1) * 5 + 2]);
    CHECK(gradcheck("permute", f_permute, NULL, 1, &x, H, TOL, 60));
    CHECK(gradcheck("reshape", f_reshape, NULL, 1, &x, H, TOL, 60));
    CHECK(gradcheck("slice", f_slice, NULL, 1, &x, H, TOL, 60));
    CHECK(gradcheck2("slice", f_slice, NULL, 1, &x, 0, H, TOL2, 30));
    Tensor *e = gc_input(TSHAPE(2, 1, 5), 8, -1, 1);
    CHECK(gradcheck("expand", f_expand, NULL, 1, &e, H, TOL, 60));
    Tensor *cat[2] = {gc_input(TSHAPE(2, 3, 2), 9, -1, 1), gc_input(TSHAPE(2, 1, 2), 10, -1, 1)};
    Tensor *y = mg_concat(2, cat, 1);
    CHECK(y->shape[1] == 4 && y->data[3 * 2 + 1] == cat[1]->data[1] && y->data[4 * 2] == cat[0]->data[3 * 2]);
    CHECK(gradcheck("concat", f_concat, NULL, 2, cat, H, TOL, 60));
}

static Tensor *f_matmul(Tensor *const *x, void *c) { int *t = c; return mg_matmul(x[0], x[1], t[0], t[1]); }
static Tensor *f_linear_lrelu(Tensor *const *x, void *c) { return mg_leaky_relu(mg_linear(x[0], x[1], x[2]), 0.2f); }

TEST(matmul_all_transposes) {
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            int M = 3, K = 4, N = 5;
            Tensor *in[2] = {gc_input(2, ta ? (int[]){K, M} : (int[]){M, K}, 11, -1, 1),
                             gc_input(2, tb ? (int[]){N, K} : (int[]){K, N}, 12, -1, 1)};
            Tensor *y = mg_matmul(in[0], in[1], ta, tb);
            float ref[15];
            ref_gemm(ta, tb, M, N, K, 1, in[0]->data, in[0]->shape[1], in[1]->data, in[1]->shape[1], 0, ref, N);
            for (int i = 0; i < 15; i++) CHECK_NEAR(y->data[i], ref[i], 1e-5);
            int t[2] = {ta, tb};
            CHECK(gradcheck("matmul", f_matmul, t, 2, in, H, TOL, 60));
            CHECK(gradcheck2("matmul", f_matmul, t, 2, in, 0, H, TOL2, 30));
            CHECK(gradcheck2("matmul wrt b", f_matmul, t, 2, in, 1, H, TOL2, 30));
        }
}

TEST(linear_second_order) {
    Tensor *in[3] = {gc_input(TSHAPE(4, 6), 13, -1, 1), gc_input(TSHAPE(3, 6), 14, -1, 1), gc_input(TSHAPE(3), 15, -1, 1)};
    CHECK(gradcheck("linear", f_linear_lrelu, NULL, 3, in, H / 4, TOL, 60));
    CHECK(gradcheck2("linear", f_linear_lrelu, NULL, 3, in, 0, H / 4, TOL2, 30));
}

TEST(grad_of_unused_input_is_zero) {
    Tensor *a = gc_input(TSHAPE(3), 16, -1, 1), *b = gc_input(TSHAPE(3), 17, -1, 1);
    Tensor *y = mg_sum_all(mg_square(a)), *g[2];
    mg_grad(1, &y, NULL, 2, (Tensor *[]){a, b}, g, 0);
    for (int i = 0; i < 3; i++) { CHECK(g[1]->data[i] == 0); CHECK_NEAR(g[0]->data[i], 2 * a->data[i], 1e-6); }
}

TEST(backward_accumulates_into_parameters) {
    float store[3] = {1, 2, 3}, grads[3] = {0.5f, 0, 0};
    Tensor *w = tensor_wrap(TSHAPE(3), store);
    w->requires_grad = 1;
    w->grad = grads;
    Tensor *x = tensor_from(TSHAPE(3), (float[]){4, 5, 6});
    mg_backward(mg_sum_all(mg_mul(w, x)));      /* d/dw = x, added to what was there */
    CHECK_NEAR(grads[0], 4.5, 1e-6);
    CHECK_NEAR(grads[1], 5, 1e-6);
    CHECK_NEAR(grads[2], 6, 1e-6);
}

/* cpu_sum_rows (the weight-gradient partials of the convolutions): each column summed in row order in float,
 * bitwise, for widths around its 256-column blocks, threaded and not */
TEST(sum_rows_is_the_row_order_float_sum) {
    const size_t widths[] = {1, 255, 256, 257, 5000, 70000};
    for (size_t k = 0; k < sizeof widths / sizeof widths[0]; k++) {
        const size_t n = widths[k];
        const int rows = 7;
        Tensor *x = gc_input(TSHAPE(rows, (int)n), 700 + k, -3, 3);
        float *out = malloc(n * sizeof(float));
        cpu_sum_rows(rows, n, x->data, out);
        size_t bad = 0;
        for (size_t j = 0; j < n; j++) {
            float s = 0;
            for (int r = 0; r < rows; r++) s += x->data[(size_t)r * n + j];
            bad += memcmp(&s, &out[j], sizeof s) != 0;
        }
        CHECK_MSG(!bad, "width %zu: %zu columns differ", n, bad);
        free(out);
    }
}

int main(void) {
    RUN(binary_broadcast_values);
    RUN(binary_broadcast_patterns);
    RUN(binary_grads);
    RUN(unary_values);
    RUN(unary_grads);
    RUN(leaky_relu_second_order);
    RUN(reductions);
    RUN(middle_axis_sums_threaded);
    RUN(mul_sum_to_is_sum_to_of_mul);
    RUN(sum_rows_is_the_row_order_float_sum);
    RUN(shape_ops);
    RUN(matmul_all_transposes);
    RUN(linear_second_order);
    RUN(grad_of_unused_input_is_zero);
    RUN(backward_accumulates_into_parameters);
    return test_summary();
}
