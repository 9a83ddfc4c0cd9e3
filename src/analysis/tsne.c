/* t-SNE driver: affinities, initialisation, the two-phase gradient descent (see tsne.h). */
#include "analysis/tsne.h"
#include "analysis/pca.h"
#include "core/error.h"
#include "core/rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_EVERY 50

TsneOptions tsne_default_options(void) {
    return (TsneOptions){.dims = 2, .dof = 1, .perplexity = 30, .theta = 0.5, .iterations = 1000, .exaggeration_iters = 250,
                         .exaggeration = 12, .learning_rate = 0, .init_pca = 1, .seed = 1};
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int initialise(const float *x, int n, int d, const TsneOptions *o, double *y) {
    const int D = o->dims;
    if (o->init_pca) {
        Pca p;
        if (pca_fit(x, n, d, D, &p)) return -1;
        pca_transform(&p, x, n, y);
        pca_free(&p);
        double m = 0, s = 0;
        for (int i = 0; i < n; i++) m += y[(size_t)i * D];
        m /= n;
        for (int i = 0; i < n; i++) s += (y[(size_t)i * D] - m) * (y[(size_t)i * D] - m);
        s = sqrt(s / n);
        double scale = s > 0 ? 1e-4 / s : 1;
        for (size_t i = 0; i < (size_t)n * D; i++) y[i] *= scale;
    } else {
        Rng r = rng_new(o->seed);
        float *t = mg_xmalloc((size_t)n * D * sizeof(float));
        rng_normal(&r, t, (size_t)n * D, 0.f, 1e-4f);
        for (size_t i = 0; i < (size_t)n * D; i++) y[i] = t[i];
        free(t);
    }
    return 0;
}

/* one phase of scikit-learn's _gradient_descent: update and gains start afresh */
static int descend(const SparseP *P, double *y, int n, const TsneOptions *o, double dof, int it0, int it1,
                   double momentum, double exag, int without_progress, double lr, double *kl_out) {
    const int D = o->dims;
    size_t m = (size_t)n * D;
    double *grad = mg_xmalloc(m * sizeof(double)), *upd = mg_xcalloc(m, sizeof(double)), *gain = mg_xmalloc(m * sizeof(double));
    for (size_t k = 0; k < m; k++) gain[k] = 1;
    double best = INFINITY, kl = 0;
    int best_it = it0, it;
    TsneWork *work = tsne_work_new();
    for (it = it0; it < it1; it++) {
        int check = (it + 1) % CHECK_EVERY == 0 || it == it1 - 1;
        kl = tsne_gradient(P, y, n, D, dof, o->theta, exag, grad, check, work);
        for (size_t k = 0; k < m; k++) {
            gain[k] = upd[k] * grad[k] < 0 ? gain[k] + 0.2 : gain[k] * 0.8;
            if (gain[k] < 0.01) gain[k] = 0.01;
            upd[k] = momentum * upd[k] - lr * gain[k] * grad[k];
            y[k] += upd[k];
        }
        if (check) {
            double gn = 0;
            for (size_t k = 0; k < m; k++) gn += gain[k] * grad[k] * gain[k] * grad[k];
            if (o->verbose) fprintf(stderr, "t-SNE iteration %d: KL %.5f, gradient norm %.3g\n", it + 1, kl, sqrt(gn));
            if (kl < best) { best = kl; best_it = it; }
            else if (it - best_it > without_progress) { it++; break; }
            if (sqrt(gn) < 1e-7) { it++; break; }
        }
    }
    tsne_work_free(work);
    free(grad); free(upd); free(gain);
    *kl_out = kl;
    return it;
}

int tsne_run(const float *x, int n, int d, const TsneOptions *o, float *yout, TsneResult *res) {
    memset(res, 0, sizeof *res);
    if (o->dims != 2 && o->dims != 3) return mg_error_set("t-SNE: %d output dimensions (2 or 3)", o->dims);
    if (n < 4 || d < 1) return mg_error_set("t-SNE: needs at least 4 rows (got %d x %d)", n, d);
    if (!(o->perplexity >= 1) || 3 * o->perplexity >= n - 1)
        return mg_error_set("t-SNE: perplexity %g must be >= 1 and below (n - 1) / 3 = %g", o->perplexity, (n - 1) / 3.0);
    if (!(o->theta >= 0 && o->theta <= 1)) return mg_error_set("t-SNE: theta %g outside [0, 1]", o->theta);
    if (o->iterations < 1 || o->exaggeration_iters < 0 || !(o->exaggeration >= 1))
        return mg_error_set("t-SNE: needs iterations >= 1, exaggeration iterations >= 0, exaggeration >= 1");
    for (size_t i = 0; i < (size_t)n * d; i++)
        if (!isfinite(x[i])) return mg_error_set("t-SNE: input value %zu is not finite", i);
    double t0 = now_s();
    int k = (int)(3 * o->perplexity + 1);
    if (k > n - 1) k = n - 1;
    int *idx = mg_xmalloc((size_t)n * k * sizeof(int));
    double *d2 = mg_xmalloc((size_t)n * k * sizeof(double)), *p = mg_xmalloc((size_t)n * k * sizeof(double));
    tsne_knn(x, n, d, k, idx, d2);
    tsne_conditional_p(d2, n, k, o->perplexity, p);
    SparseP P;
    tsne_symmetrize(idx, p, n, k, &P);
    free(idx); free(d2); free(p);
    double *y = mg_xmalloc((size_t)n * o->dims * sizeof(double));
    if (initialise(x, n, d, o, y)) { sparse_p_free(&P); free(y); return -1; }
    double t1 = now_s();
    double lr = o->learning_rate > 0 ? o->learning_rate : fmax(n / o->exaggeration / 4, 50);
    int ex = o->exaggeration_iters < o->iterations ? o->exaggeration_iters : o->iterations;
    double kl = 0;
    double dof = o->dof > 0 ? o->dof : 1;
    int it = descend(&P, y, n, o, dof, 0, ex, 0.5, o->exaggeration, ex, lr, &kl);
    if (it < o->iterations) it = descend(&P, y, n, o, dof, it, o->iterations, 0.8, 1.0, 300, lr, &kl);
    for (size_t i = 0; i < (size_t)n * o->dims; i++) yout[i] = (float)y[i];
    res->kl = kl;
    res->iterations = it;
    res->seconds_affinity = t1 - t0;
    res->seconds_descent = now_s() - t1;
    sparse_p_free(&P);
    free(y);
    return 0;
}
