/* NN ops: batch / instance norm, upsampling, average pooling, dropout, losses.  Values against
 * plain loops, gradients against finite differences (first and second order), fused kernels
 * against their plain references, fused vs composed batch-norm backward, the fused StyleGAN2 epilogue
 * (bias_act) and batch norm + leaky ReLU (batch_norm_act) against the separate ops, bitwise. */
#include "gradcheck.h"
#include "kernels/norm.h"
#include <omp.h>

#define H 1e-2
#define TOL 5e-3
#define TOL2 1.5e-2

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
            double *scratch = malloc(norm_scratch_doubles(o, g) * sizeof(double));
            cpu_norm_forward(o, g, S, gC, x->data, gp, bp, 1e-5f, 0, 0, y, mean, rstd, var, scratch);
            ref_norm_forward(o, g, S, gC, x->data, gp, bp, 1e-5f, yr, meanr, rstdr, varr);
            CHECK(maxdiff(y, yr, n) < 1e-5);
            CHECK(maxdiff(mean, meanr, g) < 1e-6 && maxdiff(rstd, rstdr, g) < 1e-6 && maxdiff(var, varr, g) < 1e-5);
            cpu_norm_backward(o, g, S, gC, x->data, gy->data, NULL, 0, mean, rstd, gp, gx, gg, gb, scratch);
            ref_norm_backward(o, g, S, gC, x->data, gy->data, mean, rstd, gp, gxr, ggr, gbr);
            CHECK(maxdiff(gx, gxr, n) < 1e-5);
            CHECK(maxdiff(gg, ggr, gC) < 1e-4 && maxdiff(gb, gbr, gC) < 1e-4);
            cpu_norm_apply(o, g, S, gC, x->data, mean, rstd, gp, bp, gx);   /* same constants: same y */
            CHECK(maxdiff(gx, yr, n) < 1e-5);
            free(y); free(yr); free(gx); free(gxr); free(scratch);
        }
}

/* the fused kernels give bit-identical results for any thread count */
TEST(norm_kernels_thread_independent) {
    int N = 16, C = 8;
    long S = 17 * 17;                                 /* 36992 elements: above the parallel threshold */
    size_t n = (size_t)N * C * S;
    Tensor *x = gc_input(TSHAPE((int)n), 35, -3, 5), *gy = gc_input(TSHAPE((int)n), 36, -1, 1);
    Tensor *gm = gc_input(TSHAPE(C), 37, 0.5f, 2), *bt = gc_input(TSHAPE(C), 38, -1, 1);
    float *y[2], *gx[2], mean[2][128], rstd[2][128], gg[2][8], gb[2][8];
    int threads[2] = {1, 3}, old = omp_get_max_threads();
    for (int inst = 0; inst < 2; inst++) {
        int o = inst ? 1 : N, G = inst ? N * C : C;
        for (int t = 0; t < 2; t++) {
            omp_set_num_threads(threads[t]);
            y[t] = malloc(n * 4);
            gx[t] = malloc(n * 4);
            double *scratch = malloc(norm_scratch_doubles(o, G) * sizeof(double));
            cpu_norm_forward(o, G, S, C, x->data, gm->data, bt->data, 1e-5f, 0, 0, y[t], mean[t], rstd[t], NULL, scratch);
            cpu_norm_backward(o, G, S, C, x->data, gy->data, NULL, 0, mean[t], rstd[t], gm->data, gx[t], gg[t], gb[t], scratch);
            free(scratch);
        }
        CHECK(!memcmp(y[0], y[1], n * 4) && !memcmp(gx[0], gx[1], n * 4));
        CHECK(!memcmp(mean[0], mean[1], G * 4) && !memcmp(rstd[0], rstd[1], G * 4));
        CHECK(!memcmp(gg[0], gg[1], sizeof gg[0]) && !memcmp(gb[0], gb[1], sizeof gb[0]));
        for (int t = 0; t < 2; t++) { free(y[t]); free(gx[t]); }
    }
    omp_set_num_threads(old);
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

/* ---------------- resampling ---------------- */

/* PyTorch's align_corners=False source index, written out directly */
static void naive_bilinear(int Hi, int Wi, int f, const float *x, float *y) {
    for (int i = 0; i < Hi * f; i++)
        for (int j = 0; j < Wi * f; j++) {
            double sh = fmax(0.0, (i + 0.5) / f - 0.5), sw = fmax(0.0, (j + 0.5) / f - 0.5);
            int h0 = (int)floor(sh), w0 = (int)floor(sw);
            int h1 = h0 + 1 < Hi ? h0 + 1 : Hi - 1, w1 = w0 + 1 < Wi ? w0 + 1 : Wi - 1;
            double lh = sh - h0, lw = sw - w0;
            y[i * Wi * f + j] = (float)((1 - lh) * ((1 - lw) * x[h0 * Wi + w0] + lw * x[h0 * Wi + w1]) +
                                       lh * ((1 - lw) * x[h1 * Wi + w0] + lw * x[h1 * Wi + w1]));
        }
}

static Tensor *f_up_nearest(Tensor *const *in, void *c) { return mg_upsample_nearest(in[0], *(int *)c); }
static Tensor *f_up_bilinear(Tensor *const *in, void *c) { return mg_upsample_bilinear(in[0], *(int *)c); }
/* squared, so that the gradient depends on x and the second order runs through the adjoint ops */
static Tensor *f_up_nearest_sq(Tensor *const *in, void *c) { return mg_square(f_up_nearest(in, c)); }
static Tensor *f_up_bilinear_sq(Tensor *const *in, void *c) { return mg_square(f_up_bilinear(in, c)); }

TEST(upsample_values) {
    Tensor *x = tensor_from(TSHAPE(1, 1, 2, 2), (float[]){1, 2, 3, 4});
    Tensor *b = mg_upsample_bilinear(x, 2);
    float want[16] = {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4};
    CHECK(b->shape[2] == 4 && b->shape[3] == 4);
    CHECK(maxdiff(b->data, want, 16) < 1e-6);
    Tensor *nn = mg_upsample_nearest(x, 2);
    float wn[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
    CHECK(maxdiff(nn->data, wn, 16) < 1e-7);
    int fs[] = {2, 3, 4};
    for (int k = 0; k < 3; k++) {            /* non-square planes, several factors, vs the formula */
        int f = fs[k];
        Tensor *x2 = gc_input(TSHAPE(2, 3, 5, 7), 70 + k, -1, 1);
        Tensor *y2 = mg_upsample_bilinear(x2, f);
        float *ref = malloc(sizeof(float) * 35 * f * f);
        int ok = 1;
        for (int p = 0; p < 6; p++) {
            naive_bilinear(5, 7, f, x2->data + p * 35, ref);
            ok &= maxdiff(y2->data + p * 35 * f * f, ref, 35 * f * f) < 1e-5;
        }
        CHECK_MSG(ok, "bilinear factor %d", f);
        Tensor *n2 = mg_upsample_nearest(x2, f);              /* nearest: y[i][j] = x[i / f][j / f] */
        for (int p = 0; p < 6; p++)
            for (int i = 0; i < 5 * f; i++)
                for (int j = 0; j < 7 * f; j++)
                    ok &= n2->data[(p * 5 * f + i) * 7 * f + j] == x2->data[p * 35 + (i / f) * 7 + j / f];
        CHECK_MSG(ok, "nearest factor %d", f);
        free(ref);
    }
}

TEST(upsample_grads) {
    Tensor *x = gc_input(TSHAPE(2, 2, 3, 4), 75, -1, 1);
    int f2 = 2, f3 = 3;
    CHECK(gradcheck("up_nearest", f_up_nearest, &f2, 1, &x, H, TOL, 60));
    CHECK(gradcheck("up_bilinear", f_up_bilinear, &f3, 1, &x, H, TOL, 60));
    CHECK(gradcheck2("up_nearest_sq", f_up_nearest_sq, &f2, 1, &x, 0, H, TOL2, 30));
    CHECK(gradcheck2("up_bilinear_sq", f_up_bilinear_sq, &f2, 1, &x, 0, H, TOL2, 30));
    CHECK(gradcheck2("up_bilinear_sq3", f_up_bilinear_sq, &f3, 1, &x, 0, H, TOL2, 30));
    /* adjointness: <up(x), g> = <x, grad> for the gradient of <up(x), g> */
    Tensor *y = mg_upsample_bilinear(x, 2), *g = gc_weights(y, 5), *gx;
    mg_grad(1, &y, &g, 1, &x, &gx, 0);
    double l = 0, r = 0;
    for (size_t i = 0; i < tensor_numel(y); i++) l += (double)y->data[i] * g->data[i];
    for (size_t i = 0; i < tensor_numel(x); i++) r += (double)x->data[i] * gx->data[i];
    CHECK_NEAR(l, r, 1e-5);
}

/* ---------------- average pooling ---------------- */

static Tensor *f_pool(Tensor *const *in, void *c) { int *a = c; return mg_avg_pool2d(in[0], a[0], a[1], a[2]); }
static Tensor *f_pool_sq(Tensor *const *in, void *c) { return mg_square(f_pool(in, c)); }

TEST(avg_pool2d) {
    int cfg[][3] = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}};
    Tensor *x = gc_input(TSHAPE(2, 3, 6, 5), 80, -1, 1);
    for (int k = 0; k < 3; k++) {
        int K = cfg[k][0], s = cfg[k][1], p = cfg[k][2];
        Tensor *y = f_pool(&x, cfg[k]);
        int Ho = (6 + 2 * p - K) / s + 1, Wo = (5 + 2 * p - K) / s + 1, ok = y->shape[2] == Ho && y->shape[3] == Wo;
        for (int pl = 0; pl < 6 && ok; pl++)
            for (int i = 0; i < Ho; i++) for (int j = 0; j < Wo; j++) {
                double sum = 0;               /* padded zeros count: divide by K*K always */
                for (int a = 0; a < K; a++) for (int b = 0; b < K; b++) {
                    int h = i * s - p + a, w = j * s - p + b;
                    if (h >= 0 && h < 6 && w >= 0 && w < 5) sum += x->data[pl * 30 + h * 5 + w];
                }
                ok &= fabs(y->data[(pl * Ho + i) * Wo + j] - sum / (K * K)) < 1e-5;
            }
        CHECK_MSG(ok, "avg_pool2d k %d stride %d pad %d", K, s, p);
        CHECK(gradcheck("avg_pool", f_pool, cfg[k], 1, &x, H, TOL, 60));
        CHECK(gradcheck2("avg_pool_sq", f_pool_sq, cfg[k], 1, &x, 0, H, TOL2, 30));
    }
}

/* ---------------- dropout ---------------- */

TEST(dropout) {
    Tensor *x = gc_input(TSHAPE(100, 100), 90, 1, 2);
    Rng r1 = rng_new(7), r2 = rng_new(7);
    Tensor *y = mg_dropout(x, 0.3f, &r1, 1), *y2 = mg_dropout(x, 0.3f, &r2, 1);
    size_t zeros = 0, n = tensor_numel(x);
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        if (y->data[i] == 0) zeros++;
        else ok &= fabs(y->data[i] - x->data[i] / 0.7) < 1e-5;
        ok &= y->data[i] == y2->data[i];            /* same seed, same mask */
    }
    CHECK(ok);
    CHECK(fabs((double)zeros / n - 0.3) < 0.02);
    CHECK(r1.counter == n);                          /* one draw per element */
    Tensor *y3 = mg_dropout(x, 0.3f, &r1, 1);        /* the stream moved on: another mask */
    CHECK(maxdiff(y->data, y3->data, n) > 0);
    CHECK(mg_dropout(x, 0.3f, &r1, 0) == x && mg_dropout(x, 0, &r1, 1) == x);
    /* gradient = the mask */
    Tensor *g;
    Tensor *s = mg_sum_all(y);
    mg_grad(1, &s, NULL, 1, &x, &g, 0);
    ok = 1;
    for (size_t i = 0; i < n; i++) ok &= fabs(g->data[i] - (y->data[i] == 0 ? 0 : 1 / 0.7)) < 1e-5;
    CHECK(ok);
}

/* ---------------- losses ---------------- */

static Tensor *f_bce(Tensor *const *in, void *c) { return mg_bce_with_logits(in[0], in[1]); }
static Tensor *f_mse(Tensor *const *in, void *c) { return mg_mse(in[0], in[1]); }
static Tensor *f_l1(Tensor *const *in, void *c) { return mg_l1(in[0], in[1]); }
static Tensor *f_kl(Tensor *const *in, void *c) { return mg_gaussian_kl(in[0], in[1]); }
static Tensor *f_ce(Tensor *const *in, void *c) { return mg_softmax_cross_entropy(in[0], c); }

TEST(loss_values) {
    Tensor *x = tensor_from(TSHAPE(2, 3), (float[]){-2, 0.5f, 3, 100, -100, 0});
    Tensor *t = tensor_from(TSHAPE(2, 3), (float[]){0, 1, 0.3f, 1, 0, 0.5f});
    double bce = 0, mse = 0, l1 = 0;
    for (int i = 0; i < 6; i++) {
        double v = x->data[i], tt = t->data[i], sg = 1 / (1 + exp(-v));
        /* the textbook form where it is finite; the limits at |x| = 100 */
        double term = fabs(v) < 30 ? -(tt * log(sg) + (1 - tt) * log(1 - sg)) : (v > 0 ? (1 - tt) * v : -tt * v);
        bce += term / 6;
        mse += (v - tt) * (v - tt) / 6;
        l1 += fabs(v - tt) / 6;
    }
    CHECK_NEAR(tensor_item(mg_bce_with_logits(x, t)), bce, 1e-5);
    CHECK_NEAR(tensor_item(mg_mse(x, t)), mse, 1e-5);
    CHECK_NEAR(tensor_item(mg_l1(x, t)), l1, 1e-5);
    int labels[2] = {2, 0};
    double ce = 0;
    for (int n = 0; n < 2; n++) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += exp(x->data[n * 3 + k] - 100);    /* shifted: finite at 100 */
        ce += (100 + log(s) - x->data[n * 3 + labels[n]]) / 2;
    }
    CHECK_NEAR(tensor_item(mg_softmax_cross_entropy(x, labels)), ce, 1e-5);
    Tensor *mu = tensor_from(TSHAPE(2, 2), (float[]){0, 1, -0.5f, 2}), *lv = tensor_from(TSHAPE(2, 2), (float[]){0, -1, 0.5f, 0});
    double kl = 0;
    for (int i = 0; i < 4; i++) kl += -0.5 * (1 + lv->data[i] - mu->data[i] * mu->data[i] - exp(lv->data[i])) / 2;
    CHECK_NEAR(tensor_item(mg_gaussian_kl(mu, lv)), kl, 1e-6);
    Tensor *z = tensor_zeros(TSHAPE(3, 4));
    CHECK_NEAR(tensor_item(mg_gaussian_kl(z, z)), 0, 1e-7);     /* KL(N(0,1) || N(0,1)) = 0 */
    CHECK(mg_mse(x, t)->ndim == 0);
}

TEST(loss_grads) {
    Tensor *in[2] = {gc_input(TSHAPE(4, 5), 100, -3, 3), gc_input(TSHAPE(4, 5), 101, 0, 1)};
    CHECK(gradcheck("bce", f_bce, NULL, 2, in, H, TOL, 60));
    CHECK(gradcheck2("bce", f_bce, NULL, 2, in, 0, H, TOL2, 30));
    CHECK(gradcheck("mse", f_mse, NULL, 2, in, H, TOL, 60));
    CHECK(gradcheck2("mse", f_mse, NULL, 2, in, 0, H, TOL2, 30));
    CHECK(gradcheck("l1", f_l1, NULL, 2, in, H / 4, TOL, 60));
    CHECK(gradcheck2("l1", f_l1, NULL, 2, in, 0, H / 4, TOL2, 30));
    CHECK(gradcheck("kl", f_kl, NULL, 2, in, H, TOL, 60));
    CHECK(gradcheck2("kl_wrt_mu", f_kl, NULL, 2, in, 0, H, TOL2, 30));
    CHECK(gradcheck2("kl_wrt_logvar", f_kl, NULL, 2, in, 1, H, TOL2, 30));
    int labels[4] = {1, 4, 0, 2};
    CHECK(gradcheck("softmax_ce", f_ce, labels, 1, in, H, TOL, 60));
    CHECK(gradcheck2("softmax_ce", f_ce, labels, 1, in, 0, H, TOL2, 30));
}

/* ---- bias_act: the StyleGAN2 epilogue in one pass ---- */

typedef struct { int s, noise, b; float slope, gain; } EpiCase;   /* noise: 0 none, 1 one image, 2 per image */

static Tensor *epi_composed(Tensor *const *in, const EpiCase *c) {   /* the separate ops, as the layers wrote them */
    Tensor *y = in[0];
    if (c->s) y = mg_mul(y, in[1]);
    if (c->noise) y = mg_add(y, in[2]);
    if (c->b) y = mg_add(y, mg_reshape(in[3], TSHAPE(in[3]->shape[0], 1, 1)));
    if (c->slope != 1.0f || c->gain != 1.0f) y = mg_mask_mul(y, y, c->gain, c->slope * c->gain);
    return y;
}
static Tensor *epi_fused(Tensor *const *in, const EpiCase *c) {
    return mg_bias_act(in[0], c->s ? in[1] : NULL, c->noise ? in[2] : NULL, c->b ? in[3] : NULL, c->slope, c->gain);
}
static Tensor *f_epi(Tensor *const *in, void *c) { return epi_fused(in, c); }

static Tensor **epi_inputs(int N, int C, int Hh, int W, const EpiCase *c, uint64_t seed) {
    static Tensor *in[4];
    in[0] = gc_input(TSHAPE(N, C, Hh, W), seed, -1, 1);
    in[1] = gc_input(TSHAPE(N, C, 1, 1), seed + 1, 0.5f, 1.5f);
    in[2] = gc_input(TSHAPE(c->noise == 2 ? N : 1, 1, Hh, W), seed + 2, -0.5f, 0.5f);
    in[3] = gc_input(TSHAPE(C), seed + 3, -0.3f, 0.3f);
    return in;
}

/* L = sum(f(in) * R); its gradients with respect to the inputs that case c uses; create_graph records them
 * (bias_act's backward then runs as separate ops, else as one fused pass) */
static int epi_grads(Tensor *(*f)(Tensor *const *, const EpiCase *), Tensor *const *in, const EpiCase *c, Tensor **out,
                     Tensor **g, int create_graph) {
    Tensor *y = f(in, c);
    Tensor *ins[4];
    int k = 0;
    ins[k++] = in[0];
    if (c->s) ins[k++] = in[1];
    if (c->noise) ins[k++] = in[2];
    if (c->b) ins[k++] = in[3];
    Tensor *R = gc_weights(y, 77);
    mg_grad(1, &y, &R, k, ins, g, create_graph);
    *out = y;
    return k;
}

static int same_bits(const Tensor *a, const Tensor *b) {
    return tensor_same_shape(a, b) && !memcmp(a->data, b->data, tensor_numel(a) * sizeof(float));
}

TEST(bias_act_is_the_separate_ops_bitwise) {
    const EpiCase cases[] = {{1, 2, 1, 0.2f, 1.41421356237f}, {1, 1, 1, 0.2f, 1.41421356237f},
                             {0, 0, 1, 0.2f, 1.41421356237f * 0.70710678f}, {0, 0, 1, 1, 1}, {1, 0, 0, 1, 1},
                             {0, 2, 0, 0.2f, 1}};
    const int sizes[][4] = {{3, 4, 9, 7}, {4, 8, 32, 40}, {5, 3, 1, 1}};   /* threaded (40960 elements); one pixel */
    for (size_t z = 0; z < 3; z++)
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            const EpiCase *c = &cases[k];
            Tensor **in = epi_inputs(sizes[z][0], sizes[z][1], sizes[z][2], sizes[z][3], c, 40 + 10 * k);
            Tensor *ya, *yb, *yc, *ga[4], *gb[4], *gc[4];
            int n = epi_grads(epi_fused, in, c, &ya, ga, 0);
            epi_grads(epi_fused, in, c, &yc, gc, 1);
            epi_grads(epi_composed, in, c, &yb, gb, 0);
            CHECK_MSG(same_bits(ya, yb), "case %zu size %zu: forward", k, z);
            for (int i = 0; i < n; i++) {
                CHECK_MSG(same_bits(ga[i], gb[i]), "case %zu size %zu: gradient %d", k, z, i);
                CHECK_MSG(same_bits(gc[i], gb[i]), "case %zu size %zu: recorded gradient %d", k, z, i);
            }
            mg_step_reset();
        }
}

TEST(bias_act_gradients_first_and_second_order) {
    const EpiCase cases[] = {{1, 2, 1, 0.2f, 1.41421356237f}, {1, 1, 1, 0.2f, 1.3f}, {0, 0, 1, 1, 1}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Tensor **in = epi_inputs(2, 3, 4, 5, &cases[k], 60 + 10 * k);
        CHECK_MSG(gradcheck("bias_act", f_epi, (void *)&cases[k], 4, in, H / 4, TOL, 60), "case %zu", k);
        for (int wrt = 0; wrt < 4; wrt++)
            CHECK_MSG(gradcheck2("bias_act", f_epi, (void *)&cases[k], 4, in, wrt, H / 4, TOL2, 24), "case %zu wrt %d", k, wrt);
        mg_step_reset();
    }
}

/* ---------------- batch norm + leaky ReLU in one op ---------------- */

typedef struct { int training; float slope; int fused; } BnaCtx;
static Tensor *f_bna(Tensor *const *in, void *c) {
    const BnaCtx *b = c;
    BatchNormStats st = {NULL, NULL, 0.1f, 1e-5f};
    return b->fused ? mg_batch_norm_act(in[0], in[1], in[2], &st, b->training, b->slope)
                    : mg_leaky_relu(mg_batch_norm(in[0], in[1], in[2], &st, b->training), b->slope);
}

/* mg_batch_norm_act against batch norm then leaky_relu: the output, the first-order (fused kernel) and the
 * recorded (create_graph, composed) gradients, bitwise, for ReLU and slope 0.2, small and threaded sizes */
TEST(batch_norm_act_is_the_separate_ops_bitwise) {
    const int sizes[][4] = {{4, 3, 3, 3}, {32, 8, 13, 13}};    /* the second runs threaded (43264 elements) */
    const float slopes[] = {0, 0.2f};
    for (int z = 0; z < 2; z++)
        for (int k = 0; k < 2; k++) {
            Tensor *in[3] = {gc_input(TSHAPE(sizes[z][0], sizes[z][1], sizes[z][2], sizes[z][3]), 90 + z, -2, 3),
                             gc_input(TSHAPE(sizes[z][1]), 92, 0.5f, 1.5f), gc_input(TSHAPE(sizes[z][1]), 93, -1, 1)};
            BnaCtx fused = {1, slopes[k], 1}, sep = {1, slopes[k], 0};
            for (int create = 0; create < 2; create++) {
                Tensor *ya = f_bna(in, &fused), *yb = f_bna(in, &sep), *ga[3], *gb[3];
                Tensor *R = gc_weights(ya, 78);
                mg_grad(1, &ya, &R, 3, in, ga, create);
                mg_grad(1, &yb, &R, 3, in, gb, create);
                CHECK_MSG(same_bits(ya, yb), "size %d slope %g: forward", z, slopes[k]);
                for (int i = 0; i < 3; i++)
                    CHECK_MSG(same_bits(ga[i], gb[i]), "size %d slope %g create_graph %d: gradient %d", z, slopes[k], create, i);
            }
            mg_step_reset();
        }
}

TEST(batch_norm_act_gradients_first_and_second_order) {
    BnaCtx c = {1, 0.2f, 1};
    Tensor *in[3] = {gc_input(TSHAPE(4, 3, 3, 3), 95, -1, 2), gc_input(TSHAPE(3), 96, 0.5f, 1.5f), gc_input(TSHAPE(3), 97, -1, 1)};
    CHECK(gradcheck("bn_act", f_bna, &c, 3, in, H / 4, TOL, 60));
    for (int wrt = 0; wrt < 3; wrt++) CHECK_MSG(gradcheck2("bn_act", f_bna, &c, 3, in, wrt, H / 4, TOL2, 30), "wrt %d", wrt);
}

int main(void) {
    RUN(batch_norm_values_and_running_stats);
    RUN(norm_kernels_match_reference);
    RUN(norm_kernels_thread_independent);
    RUN(batch_norm_grads);
    RUN(batch_norm_fused_vs_composed_backward);
    RUN(instance_norm);
    RUN(upsample_values);
    RUN(upsample_grads);
    RUN(avg_pool2d);
    RUN(dropout);
    RUN(loss_values);
    RUN(loss_grads);
    RUN(bias_act_is_the_separate_ops_bitwise);
    RUN(bias_act_gradients_first_and_second_order);
    RUN(batch_norm_act_is_the_separate_ops_bitwise);
    RUN(batch_norm_act_gradients_first_and_second_order);
    return test_summary();
}
