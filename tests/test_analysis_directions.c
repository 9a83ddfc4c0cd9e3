/* PCA against scikit-learn (covariance and Gram routes, eigenvalues, explained variance, signed components),
 * SeFa against hand-computed and numpy eigenvectors, the directions' class statistics, orthogonalisation,
 * and every editing formula on tiny hand-computed cases. */
#include "analysis/directions.h"
#include "analysis/editing.h"
#include "analysis/pca.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/npy.h"
#include "scratch_dir.h"
#include "test.h"
#include <string.h>




/* correlated rows: x = z A + offset */
static float *make_rows(int n, int d, uint64_t seed) {
    Rng r = rng_new(seed);
    float *z = malloc(sizeof(float) * n * d), *a = malloc(sizeof(float) * d * d), *x = calloc((size_t)n * d, sizeof(float));
    rng_normal(&r, z, (size_t)n * d, 0, 1);
    rng_normal(&r, a, (size_t)d * d, 0, 1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            double s = 0.5 * j;
            for (int k = 0; k < d; k++) s += z[i * d + k] * a[k * d + j] * (k < 3 ? 3.0 : 0.5);
            x[i * d + j] = (float)s;
        }
    free(z);
    free(a);
    return x;
}

static void pca_against_sklearn(int n, int d, const char *tag) {
    float *x = make_rows(n, d, (uint64_t)(n * 31 + d));
    CHECK(npy_write(P("x.npy"), NPY_F32, 2, (int64_t[]){n, d}, x) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; from sklearn.decomposition import PCA; d='%s'; "
             "x=np.load(d+'/x.npy').astype(np.float64); p=PCA(svd_solver='full').fit(x); "
             "np.save(d+'/ev.npy', p.explained_variance_); np.save(d+'/ratio.npy', p.explained_variance_ratio_); "
             "np.save(d+'/comp.npy', p.components_[:4]); np.save(d+'/proj.npy', p.transform(x)[:, :4])\"", tmpdir);
    CHECK(system(cmd) == 0);
    Pca p;
    CHECK_MSG(pca_fit(x, n, d, 4, &p) == 0, "%s", mg_error_get());
    NpyArray ev, ratio, comp, proj;
    CHECK(npy_read(P("ev.npy"), NPY_F64, &ev) == 0 && npy_read(P("ratio.npy"), NPY_F64, &ratio) == 0);
    CHECK(npy_read(P("comp.npy"), NPY_F64, &comp) == 0 && npy_read(P("proj.npy"), NPY_F64, &proj) == 0);
    int r = n - 1 < d ? n - 1 : d;
    CHECK_MSG((int)ev.numel >= r && p.r == r, "%s: %zu sklearn eigenvalues, r = %d", tag, ev.numel, p.r);
    double *e = ev.data, *ra = ratio.data, *c = comp.data, *pr = proj.data;
    for (int k = 0; k < r; k++) {
        CHECK_NEAR(p.eigenvalues[k], e[k], 1e-6 * e[0]);
        CHECK_NEAR(p.eigenvalues[k] / p.total_variance, ra[k], 1e-7);
    }
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < d; j++) CHECK_NEAR(p.components[k * d + j], c[k * d + j], 1e-6);   /* signs too */
    double *o = malloc(sizeof(double) * n * 4);
    pca_transform(&p, x, n, o);
    for (int i = 0; i < n * 4; i++) CHECK_NEAR(o[i], pr[i], 1e-5 * sqrt(e[0]));
    printf("     %s (%d x %d): eigenvalue 1 %.4f (sklearn %.4f), explained %.4f\n", tag, n, d, p.eigenvalues[0], e[0],
           p.eigenvalues[0] / p.total_variance);
    free(o);
    npy_free(&ev); npy_free(&ratio); npy_free(&comp); npy_free(&proj);
    pca_free(&p);
    free(x);
}

TEST(pca_matches_sklearn) {
    if (!have_sklearn()) return;
    pca_against_sklearn(300, 12, "covariance route");
    pca_against_sklearn(25, 60, "Gram route");
}

TEST(pca_errors) {
    float x[6] = {1, 2, 3, 4, 5, 6};
    Pca p;
    CHECK(pca_fit(x, 1, 6, 1, &p) == -1 && strstr(mg_error_get(), "at least 2 rows"));
    CHECK(pca_fit(x, 3, 2, 3, &p) == -1 && strstr(mg_error_get(), "at most"));
}

TEST(sefa_hand_and_numpy) {
    /* rows (1,1), (1,-1), (2,0): A^T A = [[6,0],[0,2]]; rows normalised: [[2,0],[0,1]] */
    float A[6] = {1, 1, 1, -1, 2, 0};
    double v[4], ev[2];
    CHECK(sefa(A, 3, 2, 2, 0, v, ev) == 0);
    CHECK_NEAR(ev[0], 6, 1e-12);
    CHECK_NEAR(ev[1], 2, 1e-12);
    CHECK_NEAR(fabs(v[0]), 1, 1e-12);
    CHECK_NEAR(fabs(v[3]), 1, 1e-12);
    CHECK(sefa(A, 3, 2, 2, 1, v, ev) == 0);
    CHECK_NEAR(ev[0], 2, 1e-12);
    CHECK_NEAR(ev[1], 1, 1e-12);
    CHECK(sefa(A, 3, 2, 3, 1, v, ev) == -1);
    if (!have_sklearn()) return;
    enum { R = 40, D = 9 };
    float *W = make_rows(R, D, 77);
    CHECK(npy_write(P("A.npy"), NPY_F32, 2, (int64_t[]){R, D}, W) == 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; d='%s'; a=np.load(d+'/A.npy').astype(np.float64); "
             "a=a/np.linalg.norm(a,axis=1,keepdims=True); w,v=np.linalg.eigh(a.T@a); "
             "np.save(d+'/sv.npy', v[:, ::-1].T[:3].copy()); np.save(d+'/se.npy', w[::-1][:3].copy())\"", tmpdir);
    CHECK(system(cmd) == 0);
    double dirs[3 * D], e[3];
    CHECK(sefa(W, R, D, 3, 1, dirs, e) == 0);
    NpyArray sv, se;
    CHECK(npy_read(P("sv.npy"), NPY_F64, &sv) == 0 && npy_read(P("se.npy"), NPY_F64, &se) == 0);
    for (int k = 0; k < 3; k++) {
        CHECK_NEAR(e[k], ((double *)se.data)[k], 1e-9);
        double c = 0;
        for (int j = 0; j < D; j++) c += dirs[k * D + j] * ((double *)sv.data)[k * D + j];
        CHECK_NEAR(fabs(c), 1, 1e-9);
    }
    npy_free(&sv); npy_free(&se);
    free(W);
}

TEST(direction_statistics) {
    /* 1-D: class 0 at 0 and 2, class 1 at 4 and 6; a direction pointing the wrong way is turned */
    float x[4] = {0, 2, 4, 6};
    int y[4] = {0, 0, 1, 1};
    Direction d;
    CHECK(direction_from_vector(&d, "v", (double[]){-3}, 1, 0) == 0 && d.u[0] == -1 && d.norm == 3);
    direction_class_stats(&d, x, y, 4);
    CHECK(d.u[0] == 1);
    CHECK_NEAR(d.separation, 4, 1e-12);
    CHECK_NEAR(d.separation_sd, 4 / sqrt(2.0), 1e-12);        /* pooled variance (2 + 2) / 2 */
    CHECK_NEAR(d.bias, -3, 1e-12);                             /* through the midpoint 3 */
    direction_free(&d);
    /* a hyperplane keeps its bias: w = (0, 2), b = -4 -> u = (0, 1), bias = -2 */
    CHECK(direction_from_hyperplane(&d, "svm", (double[]){0, 2}, -4, 2) == 0);
    CHECK(d.u[1] == 1 && d.bias == -2 && d.norm == 2);
    direction_free(&d);
    /* mean difference */
    float x2[8] = {0, 0, 2, 0, 1, 3, 1, 5};
    CHECK(direction_mean_diff(&d, x2, y, 4, 2) == 0);             /* means (1,0) and (1,4) */
    CHECK_NEAR(d.u[0], 0, 1e-12);
    CHECK_NEAR(d.u[1], 1, 1e-12);
    CHECK_NEAR(d.norm, 4, 1e-12);
    direction_free(&d);
    /* orthogonalisation: (1,1)/sqrt2 against (1,0) -> (0,1); parallel -> error */
    CHECK(direction_from_vector(&d, "a", (double[]){1, 1}, 2, 0) == 0);
    CHECK(direction_orthogonalize(&d, (double[]){2, 0}, 2) == 0);
    CHECK_NEAR(d.u[0], 0, 1e-12);
    CHECK_NEAR(d.u[1], 1, 1e-12);
    CHECK(direction_orthogonalize(&d, (double[]){0, 5}, 2) == -1 && strstr(mg_error_get(), "parallel"));
    direction_free(&d);
    CHECK(direction_from_vector(&d, "z", (double[]){0, 0}, 2, 0) == -1);
    CHECK_NEAR(direction_cosine((double[]){1, 0}, (double[]){1, 1}, 2), 1 / sqrt(2.0), 1e-12);
}

TEST(editing_formulas) {
    double w[2] = {1, 2}, b = -1;
    float x[2] = {2, 1}, o[2];
    /* w.x + b = 3, |w|^2 = 5 */
    CHECK_NEAR(hyperplane_lambda(w, b, x, 2), -0.6, 1e-12);
    CHECK_NEAR(hyperplane_distance(w, b, x, 2), 3 / sqrt(5.0), 1e-12);
    reflect_code(w, b, x, 2, o);                               /* x + 2 (-0.6) w */
    CHECK_NEAR(o[0], 0.8, 1e-6);
    CHECK_NEAR(o[1], -1.4, 1e-6);
    CHECK_NEAR(hyperplane_distance(w, b, o, 2), -3 / sqrt(5.0), 1e-6);   /* mirror image */
    double u[2] = {0.6, 0.8};
    walk_code(x, u, 2.5, -2, 2, o);                            /* x - 5 u */
    CHECK_NEAR(o[0], -1, 1e-6);
    CHECK_NEAR(o[1], -3, 1e-6);
    float a[2] = {1, 0}, c[2] = {0, 1};
    lerp_code(a, c, 0.25, 2, o);
    CHECK_NEAR(o[0], 0.75, 1e-7);
    CHECK_NEAR(o[1], 0.25, 1e-7);
    slerp_code(a, c, 1.0 / 3, 2, o);                           /* 30 degrees along the arc */
    CHECK_NEAR(o[0], cos(M_PI / 6), 1e-6);
    CHECK_NEAR(o[1], 0.5, 1e-6);
    float a2[2] = {2, 0};
    slerp_code(a, a2, 0.5, 2, o);                              /* parallel: lerp */
    CHECK_NEAR(o[0], 1.5, 1e-7);
    float g[9 * 2];
    grid3_codes((float[]){0, 0}, a, c, 3, 2, g);
    for (int i2 = 0; i2 < 3; i2++)
        for (int i3 = 0; i3 < 3; i3++) {
            CHECK_NEAR(g[(i2 * 3 + i3) * 2], i2 / 2.0, 1e-7);
            CHECK_NEAR(g[(i2 * 3 + i3) * 2 + 1], i3 / 2.0, 1e-7);
        }
    arithmetic_code((float[]){5, 1}, (float[]){2, 3}, (float[]){1, 1}, 2, o);
    CHECK(o[0] == 4 && o[1] == -1);
    CHECK_NEAR(cosine_similarity(a, (float[]){1, 1}, 2), 1 / sqrt(2.0), 1e-7);
    float rows[8] = {1, 0, 0, 1, 1, 1, -1, 0}, q[2] = {1, 0.1f};
    int idx[4];
    double sim[4];
    CHECK(nearest_by_cosine(rows, 4, 2, q, -1, 3, idx, sim) == 3);
    CHECK(idx[0] == 0 && idx[1] == 2 && idx[2] == 1);
    CHECK_NEAR(sim[1], 1.1 / (sqrt(2.0) * sqrt(1.01)), 1e-6);
    CHECK(nearest_by_cosine(rows, 4, 2, q, 0, 10, idx, sim) == 3 && idx[0] == 2 && idx[2] == 3);
    long h[2];
    histogram_counts((double[]){-1, 0, 0.5, 1, 2}, 5, 0, 1, 2, h);
    CHECK(h[0] == 1 && h[1] == 2);
}

int main(void) {
    if (scratch_begin("and")) return 1;
    RUN(pca_matches_sklearn);
    RUN(pca_errors);
    RUN(sefa_hand_and_numpy);
    RUN(direction_statistics);
    RUN(editing_formulas);
    scratch_end();
    return test_summary();
}
