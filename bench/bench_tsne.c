/* t-SNE (Barnes-Hut): morphogan (analysis/tsne.h) against scikit-learn's TSNE (bench/tsne_sklearn.py) in the
 * same run, on the same table, same perplexity, iterations, PCA initialisation, theta 0.5, learning rate
 * "auto", early exaggeration 12 for 250 iterations, same thread count.  Prints both times, the speed ratio
 * and the trustworthiness (k = 10) of both embeddings, computed by morphogan and by scikit-learn.
 *
 *   build/bench/bench_tsne [--data mixture|fashion] [--n 3000] [--d 512] [--dims 2] [--perplexity 30]
 *                          [--iterations 1000] [--threads 2] [--python /usr/bin/python3] [--init pca|random --seed S]
 *                          [--repeat R] [--dof A]
 * --repeat R runs both R times with seeds S, S+1, ... (random init: both programs' seeds; PCA init: morphogan has no
 * random draw, scikit-learn's randomized PCA takes the seed) and prints the median times and the mean +- sd of the
 * trustworthiness.  Each line also gives the load average: the machine is shared.
 * mixture: 10 Gaussian clusters in d dimensions, each a random 6-dimensional linear manifold plus isotropic
 *          noise (seeded), so that both between- and within-cluster structure matter;
 * fashion: the first n Fashion-MNIST test images (784 pixels in [0,1]) projected on their first d principal
 *          components (d <= 784). */
#include "analysis/pca.h"
#include "analysis/tsne.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include "data/idx.h"
#include "io/npy.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPEAT 20

static double load_average(void) {
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf", &l) != 1) l = -1;
    if (f) fclose(f);
    return l;
}

static double median(const double *v, int n) {
    double s[MAX_REPEAT];
    memcpy(s, v, (size_t)n * sizeof(double));
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && s[j] < s[j - 1]; j--) { double t = s[j]; s[j] = s[j - 1]; s[j - 1] = t; }
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static void mean_sd(const double *v, int n, double *m, double *sd) {
    double a = 0, b = 0;
    for (int i = 0; i < n; i++) a += v[i];
    a /= n;
    for (int i = 0; i < n; i++) b += (v[i] - a) * (v[i] - a);
    *m = a;
    *sd = n > 1 ? sqrt(b / (n - 1)) : 0;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static float *mixture(int n, int d) {
    const int K = 10, M = 6;
    Rng r = rng_new(7);
    float *x = mg_xmalloc((size_t)n * d * sizeof(float)), *c = mg_xmalloc((size_t)K * d * sizeof(float));
    float *a = mg_xmalloc((size_t)K * M * d * sizeof(float)), z[6];
    rng_normal(&r, c, (size_t)K * d, 0.f, 0.35f);            /* centres: pairwise distance ~ 0.5 sqrt(2 d) */
    rng_normal(&r, a, (size_t)K * M * d, 0.f, 0.25f);        /* within-cluster manifold */
    for (int i = 0; i < n; i++) {
        int k = i % K;
        rng_normal(&r, z, M, 0.f, 1.f);
        float *xi = x + (size_t)i * d;
        rng_normal(&r, xi, (size_t)d, 0.f, 0.12f);
        for (int j = 0; j < d; j++) {
            float s = c[(size_t)k * d + j];
            for (int m = 0; m < M; m++) s += z[m] * a[((size_t)k * M + m) * d + j];
            xi[j] += s;
        }
    }
    free(c);
    free(a);
    return x;
}

static float *fashion(int n, int d) {
    IdxImages im;
    if (idx_load_images("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", n, &im)) {
        fprintf(stderr, "bench_tsne: %s\n", mg_error_get());
        exit(1);
    }
    int p = im.h * im.w;
    if (im.n < n || d > p) { fprintf(stderr, "bench_tsne: fashion needs n <= %d, d <= %d\n", im.n, p); exit(2); }
    float *pix = mg_xmalloc((size_t)n * p * sizeof(float));
    for (size_t i = 0; i < (size_t)n * p; i++) pix[i] = 0.5f * (im.data[i] + 1.f);   /* [-1,1] -> [0,1] */
    idx_images_free(&im);
    Pca pc;
    if (pca_fit(pix, n, p, d, &pc)) { fprintf(stderr, "bench_tsne: %s\n", mg_error_get()); exit(1); }
    double *o = mg_xmalloc((size_t)n * d * sizeof(double));
    pca_transform(&pc, pix, n, o);
    float *x = mg_xmalloc((size_t)n * d * sizeof(float));
    for (size_t i = 0; i < (size_t)n * d; i++) x[i] = (float)o[i];
    pca_free(&pc);
    free(o);
    free(pix);
    return x;
}

int main(int argc, char **argv) {
    int n = 3000, d = 512, threads = 2, repeat = 1;
    const char *python = "/usr/bin/python3", *data = "mixture";
    TsneOptions o = tsne_default_options();
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--n")) n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--d")) d = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dims")) o.dims = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--perplexity")) o.perplexity = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--iterations")) o.iterations = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--python")) python = argv[i + 1];
        else if (!strcmp(argv[i], "--data")) data = argv[i + 1];
        else if (!strcmp(argv[i], "--init")) o.init_pca = strcmp(argv[i + 1], "random") != 0;
        else if (!strcmp(argv[i], "--seed")) o.seed = (uint64_t)atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--dof")) o.dof = atof(argv[i + 1]);
        else { fprintf(stderr, "bench_tsne: unknown option %s\n", argv[i]); return 2; }
    }
    if (n < 100 || d < 2 || threads < 1 || repeat < 1 || repeat > MAX_REPEAT) { fprintf(stderr, "bench_tsne: bad sizes\n"); return 2; }
    mg_set_threads(threads);
    float *x = !strcmp(data, "fashion") ? fashion(n, d) : mixture(n, d);
    char dir[] = "/tmp/bench_tsne.XXXXXX", xp[64], yp[64], sp[64];
    if (!mkdtemp(dir)) { perror("bench_tsne: mkdtemp"); return 1; }
    snprintf(xp, sizeof xp, "%s/x.npy", dir);
    snprintf(yp, sizeof yp, "%s/ours.npy", dir);
    snprintf(sp, sizeof sp, "%s/sklearn.npy", dir);
    if (npy_write(xp, NPY_F32, 2, (int64_t[]){n, d}, x)) { fprintf(stderr, "bench_tsne: %s\n", mg_error_get()); return 1; }
    printf("t-SNE of %s %d x %d -> %d-D, perplexity %g, %d iterations, theta 0.5, %s init, %d threads, morphogan dof %g\n",
           data, n, d, o.dims, o.perplexity, o.iterations, o.init_pca ? "PCA" : "random", threads, o.dof);
    fflush(stdout);

    float *y = mg_xmalloc((size_t)n * o.dims * sizeof(float));
    double tc[MAX_REPEAT], ts[MAX_REPEAT], trc[MAX_REPEAT], trs[MAX_REPEAT];
    char cmd[1024];
    uint64_t seed0 = o.seed;
    for (int rep = 0; rep < repeat; rep++) {
        o.seed = seed0 + (uint64_t)rep;           /* random init: both seeded; PCA init: scikit-learn's randomized PCA */
        TsneResult r;
        double t0 = now_s();
        if (tsne_run(x, n, d, &o, y, &r)) { fprintf(stderr, "bench_tsne: %s\n", mg_error_get()); return 1; }
        tc[rep] = now_s() - t0;
        if (npy_write(yp, NPY_F32, 2, (int64_t[]){n, o.dims}, y)) { fprintf(stderr, "bench_tsne: %s\n", mg_error_get()); return 1; }
        trc[rep] = trustworthiness(x, n, d, y, o.dims, 10);
        printf("RESULT impl=morphogan seed=%llu seconds=%.3f affinities=%.3f descent=%.3f kl=%.5f iterations=%d trust=%.5f "
               "load=%.2f\n", (unsigned long long)o.seed, tc[rep], r.seconds_affinity, r.seconds_descent, r.kl, r.iterations,
               trc[rep], load_average());
        fflush(stdout);
        snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d OPENBLAS_NUM_THREADS=%d %s bench/tsne_sklearn.py %s %s %s %d %g %d %s %llu",
                 threads, threads, python, xp, sp, yp, o.dims, o.perplexity, o.iterations, o.init_pca ? "pca" : "random",
                 (unsigned long long)o.seed);
        FILE *pp = popen(cmd, "r");
        char line[1024];
        ts[rep] = -1;
        while (pp && fgets(line, sizeof line, pp)) {
            line[strcspn(line, "\n")] = 0;
            printf("%s load=%.2f\n", line, load_average());
            char *q = strstr(line, "seconds=");
            if (q) ts[rep] = atof(q + 8);
        }
        int prc = pp ? pclose(pp) : -1;
        NpyArray s;
        if (prc != 0 || ts[rep] < 0 || npy_read(sp, NPY_F32, &s)) {
            fprintf(stderr, "bench_tsne: the scikit-learn run failed (python3-sklearn installed?)\n");
            return 1;
        }
        trs[rep] = trustworthiness(x, n, d, s.data, o.dims, 10);
        npy_free(&s);
        fflush(stdout);
    }
    double mtc = median(tc, repeat), mts = median(ts, repeat), ac, sc, as, ss;
    mean_sd(trc, repeat, &ac, &sc);
    mean_sd(trs, repeat, &as, &ss);
    printf("\n%d run%s (median seconds; trustworthiness k=10, mean +- sd over the runs, by morphogan's function)\n", repeat,
           repeat > 1 ? "s" : "");
    printf("%-12s %8.2f s   trustworthiness %.4f +- %.4f\n", "morphogan", mtc, ac, sc);
    printf("%-12s %8.2f s   trustworthiness %.4f +- %.4f\n", "scikit-learn", mts, as, ss);
    printf("speed ratio sklearn/morphogan: %.2fx; trustworthiness difference (morphogan - sklearn): %+.4f\n", mts / mtc, ac - as);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "bench_tsne: could not remove %s\n", dir);
    free(x);
    free(y);
    return 0;
}
