/* NN ops: batch / instance norm, upsampling, average pooling, dropout, losses.  Values against
 * plain loops, gradients against finite differences (first and second order), fused kernels
 * against their plain references, fused vs composed batch-norm backward. */
#include "gradcheck.h"
#include "kernels/norm.h"

#define H 1e-2
#define TOL 2e-2
#define TOL2 5e-2

static double maxdiff(const float *a, const float *b, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* ---------------- batch norm ---------------- */

/* naive batch norm over [N,C,S] (S = H*W) in double: y, and the running-stat update */
static void naive_bn(int N, int C, int S, const float *x, const float *gamma, const float *beta, float eps,
                     float momentum, float *y, float *rm, float *rv) {
    for (int c = 0; c < C; c++) {
        double m = 0, v = 0, M = (double)N * S;
        for (int n = 0; n < N; n++) for (int s = 0; s < S; s++) m += x[(n * C + c) * S + s];
        m /= M;
        for (int n = 0; n < N; n++) for (int s = 0; s < S; s++) {
            double d = x[(n * C + c) * S + s] - m;
            v += d * d;
        }
        double vb = v / M, vu = v / (M - 1);
        for (int n = 0; n < N; n++) for (int s = 0; s < S; s++) {
            int e = (n * C + c) * S + s;
            y[e] = (float)((x[e] - m) / sqrt(vb + eps) * (gamma ? gamma[c] : 1) + (beta ? beta[c] : 0));
        }
        rm[c] = (float)((1 - momentum) * rm[c] + momentum * m);
        rv[c] = (float)((1 - momentum) * rv[c] + momentum * vu);
    }
}

TEST(batch_norm_values_and_running_stats) {
    int N = 3, C = 2, Hh = 2, W = 3, S = Hh * W;
    Tensor *x = gc_input(TSHAPE(N, C, Hh, W), 21, -2, 3);
    Tensor *gamma = tensor_from(TSHAPE(2), (float[]){1.5f, -0.5f}), *beta = tensor_from(TSHAPE(2), (float[]){0.25f, 2});
    float rm[2] = {0, 0.5f}, rv[2] = {1, 2}, erm[2] = {0, 0.5f}, erv[2] = {1, 2}, ey[36];
    BatchNormStats st = {rm, rv, 0.1f, 1e-5f};
    for (int step = 0; step < 2; step++) {            /* two updates: the running stats compound */
        Tensor *y = mg_batch_norm(x, gamma, beta, &st, 1);
        naive_bn(N, C, S, x->data, gamma->data, beta->data, 1e-5f, 0.1f, ey, erm, erv);
        CHECK(maxdiff(y->data, ey, 36) < 1e-5);
        for (int c = 0; c < 2; c++) { CHECK_NEAR(rm[c], erm[c], 1e-6); CHECK_NEAR(rv[c], erv[c], 1e-6); }
    }
    /* hand-checked case: channel 0 = {1, 3} in a [2,1] batch -> mean 2, biased var 1, unbiased 2 */
    float rm1[1] = {0}, rv1[1] = {1};
    BatchNormStats s1 = {rm1, rv1, 0.1f, 0};
    Tensor *y1 = mg_batch_norm(tensor_from(TSHAPE(2, 1), (float[]){1, 3}), NULL, NULL, &s1, 1);
    CHECK_NEAR(y1->data[0], -1, 1e-6);
    CHECK_NEAR(y1->data[1], 1, 1e-6);
    CHECK_NEAR(rm1[0], 0.2, 1e-7);
    CHECK_NEAR(rv1[0], 0.9 + 0.2, 1e-6);
    /* eval: running statistics, and nothing updated */
    float rm_before[2] = {rm[0], rm[1]};
    Tensor *ye = mg_batch_norm(x, gamma, beta, &st, 0);
    for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) for (int s = 0; s < S; s++) {
        int e = (n * C + c) * S + s;
        double want = (x->data[e] - rm[c]) / sqrt(rv[c] + 1e-5) * gamma->data[c] + beta->data[c];
        CHECK_NEAR(ye->data[e], want, 1e-5);
    }
    CHECK(rm[0] == rm_before[0] && rm[1] == rm_before[1]);
    /* [N,C] input */
    Tensor *x2 = gc_input(TSHAPE(5, 4), 22, -1, 1);
    float r2m[4] = {0}, r2v[4] = {1, 1, 1, 1}, e2m[4] = {0}, e2v[4] = {1, 1, 1, 1}, ey2[20];
    BatchNormStats st2 = {r2m, r2v, 0.3f, 1e-3f};
    Tensor *y2 = mg_batch_norm(x2, NULL, NULL, &st2, 1);
    naive_bn(5, 4, 1, x2->data, NULL, NULL, 1e-3f, 0.3f, ey2, e2m, e2v);
    CHECK(maxdiff(y2->data, ey2, 20) < 1e-5);
    CHECK(maxdiff(r2m, e2m, 4) < 1e-6 && maxdiff(r2v, e2v, 4) < 1e-6);
}

/* the fused kernels against their plain references, batch and instance layouts, with and without affine */
TEST(norm_kernels_match_reference) {
    int outer = 7, G = 5, gC = 5;
    long S = 37;
    for (int inst = 0; inst < 2; inst++)
        for (int affine = 0; affine < 2; affine++) {
            int o = inst ? 1 : outer, g = inst ? outer * G : G;
            size_t n = (size_t)outer * G * S;
            Tensor *x = gc_input(TSHAPE((int)n), 30 + inst, -3, 5), *gy = gc_input(TSHAPE((int)n), 32, -1, 1);
            Tensor *gm = gc_input(TSHAPE(gC), 33, 0.5f, 2), *bt = gc_input(TSHAPE(gC), 34, -1, 1);
            const float *gp = affine ? gm->data : NULL, *bp = affine ? bt->data : NULL;
            float *y = malloc(n * 4), *yr = malloc(n * 4), *gx = malloc(n * 4), *gxr = malloc(n * 4);
            float mean[40], rstd[40], var[40], meanr[40], rstdr[40], varr[40], gg[5], gb[5], ggr[5], gbr[5];
            cpu_norm_forward(o, g, S, gC, x->data, gp, bp, 1e-5f, y, mean, rstd, var);
            ref_norm_forward(o, g, S, gC, x->data, gp, bp, 1e-5f, yr, meanr, rstdr, varr);
            CHECK(maxdiff(y, yr, n) < 1e-5);
            CHECK(maxdiff(mean, meanr, g) < 1e-6 && maxdiff(rstd, rstdr, g) < 1e-6 && maxdiff(var, varr, g) < 1e-5);
            cpu_norm_backward(o, g, S, gC, x->data, gy->data, mean, rstd, gp, gx, gg, gb);
            ref_norm_backward(o, g, S, gC, x->data, gy->data, mean, rstd, gp, gxr, ggr, gbr);
            CHECK(maxdiff(gx, gxr, n) < 1e-5);
            CHECK(maxdiff(gg, ggr, gC) < 1e-4 && maxdiff(gb, gbr, gC) < 1e-4);
            cpu_norm_apply(o, g, S, gC, x->data, mean, rstd, gp, bp, gx);   /* same constants: same y */
            CHECK(maxdiff(gx, yr, n) < 1e-5);
            free(y); free(yr); free(gx); free(gxr);
        }
}

typedef struct { int training; BatchNormStats *st; } BnCtx;
static Tensor *f_bn(Tensor *const *in, void *c) {
    BnCtx *b = c;
    return mg_batch_norm(in[0], in[1], in[2], b->st, b->training);
}
static Tensor *f_bn_noaffine(Tensor *const *in, void *c) { return mg_batch_norm(in[0], NULL, NULL, NULL, 1); }
/* a nonlinearity after the norm so that second-order terms through gamma/beta are not trivially zero */
static Tensor *f_bn_tanh(Tensor *const *in, void *c) { return mg_tanh(f_bn(in, c)); }

TEST(batch_norm_grads) {
    float rm[3] = {0.1f, -0.2f, 0.3f}, rv[3] = {0.5f, 1.5f, 2};
    BatchNormStats st = {rm, rv, 0.1f, 1e-5f}, nost = {NULL, NULL, 0.1f, 1e-5f};
    Tensor *in[3] = {gc_input(TSHAPE(4, 3, 3, 3), 40, -1, 2), gc_input(TSHAPE(3), 41, 0.5f, 1.5f),
                     gc_input(TSHAPE(3), 42, -1, 1)};
    BnCtx train = {1, &nost}, eval = {0, &st};
    CHECK(gradcheck("bn_train", f_bn, &train, 3, in, H, TOL, 60));
    CHECK(gradcheck("bn_eval", f_bn, &eval, 3, in, H, TOL, 60));
    CHECK(gradcheck("bn_noaffine", f_bn_noaffine, NULL, 1, in, H, TOL, 60));
    CHECK(gradcheck2("bn_train", f_bn, &train, 3, in, 0, H, TOL2, 30));
    CHECK(gradcheck2("bn_train_tanh", f_bn_tanh, &train, 3, in, 0, H, TOL2, 30));
    CHECK(gradcheck2("bn_train_wrt_gamma", f_bn_tanh, &train, 3, in, 1, H, TOL2, 30));
    CHECK(gradcheck2("bn_eval_tanh", f_bn_tanh, &eval, 3, in, 0, H, TOL2, 30));
    Tensor *in2[3] = {gc_input(TSHAPE(6, 4), 43, -1, 1), gc_input(TSHAPE(4), 44, 0.5f, 1.5f), gc_input(TSHAPE(4), 45, -1, 1)};
    CHECK(gradcheck("bn_2d", f_bn, &train, 3, in2, H, TOL, 60));
    CHECK(gradcheck2("bn_2d", f_bn_tanh, &train, 3, in2, 0, H, TOL2, 30));
}

/* the fused first-order backward and the composed (create_graph) one give the same numbers */
static void fused_vs_composed(Tensor *(*f)(Tensor *const *, void *), void *ctx, Tensor **in, int nin, double tol) {
    Tensor *y = f(in, ctx);
    Tensor *R = gc_weights(y, 7);
    Tensor *g0[3], *g1[3];
    mg_grad(1, &y, &R, nin, in, g0, 0);
    mg_grad(1, &y, &R, nin, in, g1, 1);
    CHECK(g1[0]->requires_grad && !g0[0]->requires_grad);    /* composed: on the tape; fused: not */
    for (int i = 0; i < nin; i++) {
        double d = maxdiff(g0[i]->data, g1[i]->data, tensor_numel(in[i]));
        CHECK_MSG(d < tol, "input %d: fused and composed backward differ by %g", i, d);
    }
}

TEST(batch_norm_fused_vs_composed_backward) {
    BatchNormStats nost = {NULL, NULL, 0.1f, 1e-5f};
    BnCtx train = {1, &nost};
    Tensor *in[3] = {gc_input(TSHAPE(8, 5, 6, 7), 50, -2, 3), gc_input(TSHAPE(5), 51, 0.5f, 1.5f),
                     gc_input(TSHAPE(5), 52, -1, 1)};
    fused_vs_composed(f_bn, &train, in, 3, 1e-4);
    Tensor *in2[3] = {gc_input(TSHAPE(16, 9), 53, -2, 3), gc_input(TSHAPE(9), 54, 0.5f, 1.5f), gc_input(TSHAPE(9), 55, -1, 1)};
    fused_vs_composed(f_bn, &train, in2, 3, 1e-4);
}

/* ---------------- instance norm ---------------- */

static Tensor *f_in(Tensor *const *in, void *c) { return mg_instance_norm(in[0], in[1], in[2], 1e-5f); }
static Tensor *f_in_tanh(Tensor *const *in, void *c) { return mg_tanh(f_in(in, c)); }

TEST(instance_norm) {
    int N = 2, C = 3, S = 12;
    Tensor *in[3] = {gc_input(TSHAPE(2, 3, 3, 4), 60, -1, 2), gc_input(TSHAPE(3), 61, 0.5f, 1.5f),
                     gc_input(TSHAPE(3), 62, -1, 1)};
    Tensor *y = f_in(in, NULL);
    int ok = 1;
    for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) {
        const float *p = in[0]->data + (n * C + c) * S;
        double m = 0, v = 0;
        for (int s = 0; s < S; s++) m += p[s] / S;
        for (int s = 0; s < S; s++) v += (p[s] - m) * (p[s] - m) / S;
        for (int s = 0; s < S; s++) {
            double want = (p[s] - m) / sqrt(v + 1e-5) * in[1]->data[c] + in[2]->data[c];
            ok &= fabs(y->data[(n * C + c) * S + s] - want) < 1e-5;
        }
    }
    CHECK(ok);
    CHECK(gradcheck("instance_norm", f_in, NULL, 3, in, H, TOL, 60));
    CHECK(gradcheck2("instance_norm", f_in, NULL, 3, in, 0, H, TOL2, 30));
    CHECK(gradcheck2("instance_norm_tanh", f_in_tanh, NULL, 3, in, 0, H, TOL2, 30));
    fused_vs_composed(f_in, NULL, in, 3, 1e-4);
}

int main(void) {
    RUN(batch_norm_values_and_running_stats);
    RUN(norm_kernels_match_reference);
    RUN(batch_norm_grads);
    RUN(batch_norm_fused_vs_composed_backward);
    RUN(instance_norm);
    return test_summary();
}
