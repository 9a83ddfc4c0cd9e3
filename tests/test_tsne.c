/* t-SNE: input affinities against scikit-learn's _joint_probabilities_nn, the gradient (Barnes-Hut with
 * theta = 0 equals the exact sums; the exact gradient against central finite differences of KL(P || Q), for
 * 1, 2 and 1.5 degrees of freedom;
 * theta = 0.5 close to exact), trustworthiness against sklearn.manifold.trustworthiness, and whole runs:
 * clusters kept apart, same numbers for the same seed and for 1 or 2 threads, 3-D, bad options. */
#include "analysis/tsne.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include "io/npy.h"
#include "scratch_dir.h"
#include "test.h"
#include <string.h>




/* k clusters in d dimensions, points i % k in cluster i % k */
static float *clusters(int n, int d, int k, float spread, uint64_t seed) {
    Rng r = rng_new(seed);
    float *c = malloc(sizeof(float) * k * d), *x = malloc(sizeof(float) * n * d);
    rng_normal(&r, c, (size_t)k * d, 0, 4);
    rng_normal(&r, x, (size_t)n * d, 0, spread);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) x[i * d + j] += c[(i % k) * d + j];
    free(c);
    return x;
}

static void affinities(const float *x, int n, int d, double perp, SparseP *Pm) {
    int k = (int)(3 * perp + 1);
    if (k > n - 1) k = n - 1;
    int *idx = malloc(sizeof(int) * n * k);
    double *d2 = malloc(sizeof(double) * n * k), *p = malloc(sizeof(double) * n * k);
    tsne_knn(x, n, d, k, idx, d2);
    tsne_conditional_p(d2, n, k, perp, p);
    tsne_symmetrize(idx, p, n, k, Pm);
    free(idx); free(d2); free(p);
}

TEST(affinities_match_sklearn) {
    if (!have_sklearn()) return;
    enum { N = 150, D = 10 };
    float *x = clusters(N, D, 3, 1.0f, 5);
    CHECK(npy_write(P("x.npy"), NPY_F32, 2, (int64_t[]){N, D}, x) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; from sklearn.neighbors import NearestNeighbors; "
             "from sklearn.manifold._t_sne import _joint_probabilities_nn; d='%s'; x=np.load(d+'/x.npy'); "
             "g=NearestNeighbors(n_neighbors=31).fit(x).kneighbors_graph(mode='distance'); g.data **= 2; "
             "np.save(d+'/P.npy', _joint_probabilities_nn(g, 10.0, 0).toarray())\"", tmpdir);
    CHECK(system(cmd) == 0);
    SparseP Pm;
    affinities(x, N, D, 10.0, &Pm);
    NpyArray ref;
    CHECK(npy_read(P("P.npy"), NPY_F64, &ref) == 0 && ref.numel == N * N);
    double *dense = calloc(N * N, sizeof(double)), maxp = 0, maxerr = 0, sum = 0;
    for (int i = 0; i < N; i++)
        for (int e = Pm.rowptr[i]; e < Pm.rowptr[i + 1]; e++) dense[i * N + Pm.col[e]] = Pm.val[e];
    for (int i = 0; i < N * N; i++) {
        double r = ((double *)ref.data)[i];
        if (r > maxp) maxp = r;
        if (fabs(dense[i] - r) > maxerr) maxerr = fabs(dense[i] - r);
        sum += dense[i];
        CHECK(dense[i] == dense[(i % N) * N + i / N]);          /* symmetric */
    }
    CHECK_NEAR(sum, 1, 1e-12);
    CHECK_MSG(maxerr < 1e-5 * maxp, "largest difference %.3g (largest p %.3g)", maxerr, maxp);
    printf("     P: largest difference from scikit-learn %.2g (largest p %.2g)\n", maxerr, maxp);
    npy_free(&ref);
    free(dense);
    sparse_p_free(&Pm);
    free(x);
}

TEST(gradient_exact_bh_and_finite_differences) {
    enum { N = 120, D = 8 };
    float *x = clusters(N, D, 4, 1.0f, 9);
    SparseP Pm;
    affinities(x, N, D, 8.0, &Pm);
    const double dofs[3] = {1, 2, 1.5};                /* the two specialised kernels and the general one */
    for (int run = 0; run < 6; run++) {
        int dims = 2 + run % 2;
        double dof = dofs[run / 2], coef = 2 * (dof + 1) / dof;
        Rng r = rng_new(100 + run);
        float *yf = malloc(sizeof(float) * N * dims);
        rng_normal(&r, yf, (size_t)N * dims, 0, 3);
        double *y = malloc(sizeof(double) * N * dims), *ge = malloc(sizeof(double) * N * dims);
        double *g0 = malloc(sizeof(double) * N * dims), *gb = malloc(sizeof(double) * N * dims);
        for (int i = 0; i < N * dims; i++) y[i] = yf[i];
        y[3 * dims] = y[5 * dims];                                /* two points at one position */
        y[3 * dims + 1] = y[5 * dims + 1];
        if (dims == 3) y[3 * dims + 2] = y[5 * dims + 2];
        double kle = tsne_gradient_exact(&Pm, y, N, dims, dof, 1.0, ge);
        double kl0 = tsne_gradient(&Pm, y, N, dims, dof, 0.0, 1.0, g0, 1, NULL);
        CHECK_NEAR(kl0, kle, 1e-10);
        for (int i = 0; i < N * dims; i++) CHECK_NEAR(g0[i], ge[i], 1e-9);
        /* exaggeration scales the attractive part only: grad(exag) - grad(1) = coef (exag - 1) sum p u (yi - yj) */
        double *g12 = malloc(sizeof(double) * N * dims);
        tsne_gradient_exact(&Pm, y, N, dims, dof, 12.0, g12);
        double *attr = malloc(sizeof(double) * N * dims);
        for (int i = 0; i < N * dims; i++) attr[i] = 0;
        for (int i = 0; i < N; i++)
            for (int e = Pm.rowptr[i]; e < Pm.rowptr[i + 1]; e++) {
                int j = Pm.col[e];
                double d2 = 0;
                for (int a = 0; a < dims; a++) d2 += (y[i * dims + a] - y[j * dims + a]) * (y[i * dims + a] - y[j * dims + a]);
                for (int a = 0; a < dims; a++) attr[i * dims + a] += Pm.val[e] / (1 + d2 / dof) * (y[i * dims + a] - y[j * dims + a]);
            }
        for (int i = 0; i < N * dims; i++) CHECK_NEAR(g12[i] - ge[i], coef * 11 * attr[i], 1e-9);
        /* central differences of KL(P || Q) */
        int bad = 0;
        for (int t = 0; t < 24; t++) {
            int c = (t * 37) % (N * dims);
            double h = 1e-5, save = y[c];
            y[c] = save + h;
            double kp = tsne_gradient_exact(&Pm, y, N, dims, dof, 1.0, g12);
            y[c] = save - h;
            double km = tsne_gradient_exact(&Pm, y, N, dims, dof, 1.0, g12);
            y[c] = save;
            double fd = (kp - km) / (2 * h);
            if (fabs(fd - ge[c]) > 1e-6 + 1e-5 * fabs(ge[c])) {
                bad++;
                fprintf(stderr, "  %d-D, dof %g, coordinate %d: finite difference %.9g, gradient %.9g\n", dims, dof, c, fd, ge[c]);
            }
        }
        CHECK(bad == 0);
        free(g12); free(attr); free(yf); free(y); free(ge); free(g0); free(gb);
    }
    sparse_p_free(&Pm);
    free(x);
}

/* with enough points that cells are summarised: theta 0.5 stays close to the exact gradient, theta 0.2 closer */
TEST(barnes_hut_error) {
    enum { N = 2000, D = 6 };
    float *x = clusters(N, D, 8, 1.0f, 17);
    SparseP Pm;
    affinities(x, N, D, 30.0, &Pm);
    for (int dims = 2; dims <= 3; dims++) {
        Rng r = rng_new(7 + dims);
        float *yf = malloc(sizeof(float) * N * dims);
        rng_normal(&r, yf, (size_t)N * dims, 0, 10);
        double *y = malloc(sizeof(double) * N * dims), *ge = malloc(sizeof(double) * N * dims), *gb = malloc(sizeof(double) * N * dims);
        for (int i = 0; i < N * dims; i++) y[i] = yf[i];
        double dof = dims - 1;                                 /* 1 in 2-D, 2 (scikit-learn's choice) in 3-D */
        double kle = tsne_gradient_exact(&Pm, y, N, dims, dof, 1.0, ge), err[2];
        for (int t = 0; t < 2; t++) {
            double klb = tsne_gradient(&Pm, y, N, dims, dof, t ? 0.2 : 0.5, 1.0, gb, 1, NULL), num = 0, den = 0;
            for (int i = 0; i < N * dims; i++) { num += (gb[i] - ge[i]) * (gb[i] - ge[i]); den += ge[i] * ge[i]; }
            err[t] = sqrt(num / den);
            CHECK_NEAR(klb, kle, 1e-3);
        }
        CHECK_MSG(err[0] > 0 && err[0] < 0.02 && err[1] < err[0], "%d-D: relative errors %.2g (0.5), %.2g (0.2)", dims,
                  err[0], err[1]);
        printf("     %d-D, %d points: Barnes-Hut relative error %.2g (theta 0.5), %.2g (theta 0.2)\n", dims, N, err[0], err[1]);
        free(yf); free(y); free(ge); free(gb);
    }
    sparse_p_free(&Pm);
    free(x);
}

TEST(trustworthiness_matches_sklearn) {
    enum { N = 200, D = 12 };
    float *x = clusters(N, D, 5, 2.0f, 13), y[N * 2];
    for (int i = 0; i < N; i++) { y[i * 2] = x[i * D] + 0.3f * x[i * D + 2]; y[i * 2 + 1] = x[i * D + 1] - x[i * D + 5]; }
    double t = trustworthiness(x, N, D, y, 2, 10);
    CHECK(t > 0.5 && t < 1);
    float same[N * D];
    memcpy(same, x, sizeof same);
    CHECK_NEAR(trustworthiness(x, N, D, same, D, 10), 1.0, 1e-12);   /* the identity keeps every neighbour */
    if (have_sklearn()) {
        CHECK(npy_write(P("x.npy"), NPY_F32, 2, (int64_t[]){N, D}, x) == 0);
        CHECK(npy_write(P("y.npy"), NPY_F32, 2, (int64_t[]){N, 2}, y) == 0);
        char cmd[1024], out[64];
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c \"import numpy as np; from sklearn.manifold import trustworthiness as t; d='%s'; "
                 "print('%%.12f' %% t(np.load(d+'/x.npy'), np.load(d+'/y.npy'), n_neighbors=10))\"", tmpdir);
        FILE *p = popen(cmd, "r");
        double ts = -1;
        if (p && fgets(out, sizeof out, p)) ts = atof(out);
        CHECK(p && pclose(p) == 0);
        CHECK_NEAR(t, ts, 1e-9);
        printf("     trustworthiness %.6f, scikit-learn %.6f\n", t, ts);
    }
    free(x);
}

/* share of points whose 10 nearest embedding neighbours are all in their own cluster */
static double cluster_purity(const float *y, int n, int dims, int k) {
    int good = 0;
    for (int i = 0; i < n; i++) {
        int same = 0;
        double best[10];
        int bi[10], m = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double s = 0;
            for (int a = 0; a < dims; a++) s += (y[i * dims + a] - y[j * dims + a]) * (y[i * dims + a] - y[j * dims + a]);
            if (m == 10 && s >= best[9]) continue;
            int b = m < 10 ? m++ : 9;
            while (b > 0 && s < best[b - 1]) { best[b] = best[b - 1]; bi[b] = bi[b - 1]; b--; }
            best[b] = s;
            bi[b] = j;
        }
        for (int q = 0; q < 10; q++) same += bi[q] % k == i % k;
        good += same == 10;
    }
    return (double)good / n;
}

TEST(runs_reproducible_and_separating) {
    enum { N = 300, D = 20 };
    float *x = clusters(N, D, 3, 1.0f, 21);
    TsneOptions o = tsne_default_options();
    o.perplexity = 20;
    o.iterations = 500;
    float y1[N * 3], y2[N * 3], y3[N * 3];
    TsneResult r1, r2, r3;
    mg_set_threads(2);
    CHECK_MSG(tsne_run(x, N, D, &o, y1, &r1) == 0, "%s", mg_error_get());
    CHECK(tsne_run(x, N, D, &o, y2, &r2) == 0);
    CHECK(!memcmp(y1, y2, sizeof(float) * N * 2) && r1.kl == r2.kl);
    mg_set_threads(1);
    CHECK(tsne_run(x, N, D, &o, y3, &r3) == 0);
    mg_set_threads(2);
    CHECK_MSG(!memcmp(y1, y3, sizeof(float) * N * 2), "1 and 2 threads give different embeddings");
    double pur = cluster_purity(y1, N, 2, 3), tw = trustworthiness(x, N, D, y1, 2, 10);
    CHECK_MSG(pur > 0.97, "cluster purity %.3f", pur);
    CHECK_MSG(tw > 0.9, "trustworthiness %.3f", tw);
    CHECK(r1.iterations == 500 && r1.kl > 0 && r1.kl < 2);
    o.dims = 3;
    o.init_pca = 0;                                   /* random start from the seed */
    CHECK(tsne_run(x, N, D, &o, y2, &r2) == 0);
    CHECK(tsne_run(x, N, D, &o, y3, &r3) == 0 && !memcmp(y2, y3, sizeof(float) * N * 3));
    double pur3 = cluster_purity(y2, N, 3, 3);
    CHECK_MSG(pur3 > 0.97, "3-D cluster purity %.3f", pur3);
    o.seed = 2;
    CHECK(tsne_run(x, N, D, &o, y3, &r3) == 0 && memcmp(y2, y3, sizeof(float) * N * 3));
    printf("     2-D: KL %.3f, purity %.3f, trustworthiness %.3f; 3-D (random start): KL %.3f, purity %.3f\n", r1.kl, pur,
           tw, r2.kl, pur3);
    free(x);
}

TEST(bad_options) {
    float x[40 * 3] = {0};
    for (int i = 0; i < 120; i++) x[i] = (float)(i % 7);
    float y[40 * 3];
    TsneResult r;
    TsneOptions o = tsne_default_options();
    CHECK(tsne_run(x, 40, 3, &o, y, &r) == -1 && strstr(mg_error_get(), "perplexity 30"));
    o.perplexity = 5;
    o.dims = 4;
    CHECK(tsne_run(x, 40, 3, &o, y, &r) == -1 && strstr(mg_error_get(), "2 or 3"));
    o.dims = 2;
    x[7] = NAN;
    CHECK(tsne_run(x, 40, 3, &o, y, &r) == -1 && strstr(mg_error_get(), "not finite"));
    CHECK(tsne_run(x, 3, 3, &o, y, &r) == -1 && strstr(mg_error_get(), "at least 4"));
}

int main(int argc, char **argv) {
    (void)argc;
    mg_prefer_passive_wait(argv);
    if (scratch_begin("tsne")) return 1;
    RUN(affinities_match_sklearn);
    RUN(gradient_exact_bh_and_finite_differences);
    RUN(barnes_hut_error);
    RUN(trustworthiness_matches_sklearn);
    RUN(runs_reproducible_and_separating);
    RUN(bad_options);
    scratch_end();
    return test_summary();
}
