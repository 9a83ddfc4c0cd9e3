/* FID on two sets of N x D random features (default 10,000 x 2048, the Inception pool size):
 * morphogan (analysis/metrics.h: dsyrk covariances, two dsyevd) against scipy (bench/fid_scipy.py,
 * np.cov + scipy.linalg.sqrtm, as pytorch-fid) in the same run, on the same features (written to
 * a temporary folder as raw float32), with the same thread count.  Prints both times, both values
 * and the ratio.
 *     build/bench/bench_fid [--n N] [--d D] [--threads T] [--python PATH]     (T default 2) */
#include "analysis/metrics.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/threads.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int write_raw(const char *path, const float *x, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(x, sizeof(float), n, f);
    return fclose(f) || w != n ? -1 : 0;
}

int main(int argc, char **argv) {
    long n = 10000;
    int d = 2048, threads = 2;
    const char *python = "/usr/bin/python3";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--n")) n = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--d")) d = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--python")) python = argv[i + 1];
        else { fprintf(stderr, "bench_fid: unknown option %s\n", argv[i]); return 2; }
    }
    if (n < 2 || d < 1 || threads < 1) { fprintf(stderr, "bench_fid: bad sizes\n"); return 2; }
    mg_set_threads(threads);
    size_t nd = (size_t)n * d;
    float *x = mg_xmalloc(nd * sizeof(float)), *y = mg_xmalloc(nd * sizeof(float));
    Rng r = rng_new(1);
    rng_normal(&r, x, nd, 0.f, 1.f);
    rng_normal(&r, y, nd, 0.f, 1.f);
    for (size_t i = 0; i < nd; i++) y[i] = 0.8f * y[i] + 0.3f * x[(i + d) % nd] + 0.05f;   /* correlated, shifted */
    char dir[] = "/tmp/bench_fid.XXXXXX", xp[64], yp[64];
    if (!mkdtemp(dir)) { perror("bench_fid: mkdtemp"); return 1; }
    snprintf(xp, sizeof xp, "%s/x.f32", dir);
    snprintf(yp, sizeof yp, "%s/y.f32", dir);
    if (write_raw(xp, x, nd) || write_raw(yp, y, nd)) { fprintf(stderr, "bench_fid: cannot write %s\n", dir); return 1; }

    double t0 = now_s(), fid = 0;
    FeatStats sx, sy;
    if (feat_stats(x, n, d, &sx) || feat_stats(y, n, d, &sy)) { fprintf(stderr, "bench_fid: %s\n", mg_error_get()); return 1; }
    double t1 = now_s();
    if (fid_from_stats(&sx, &sy, &fid)) { fprintf(stderr, "bench_fid: %s\n", mg_error_get()); return 1; }
    double tc = now_s() - t0;
    feat_stats_free(&sx);
    feat_stats_free(&sy);
    const char *pol = getenv("OMP_WAIT_POLICY");
    printf("RESULT impl=morphogan seconds=%.3f fid=%.6f n=%ld d=%d threads=%d covariances=%.3f eig=%.3f "
           "OMP_WAIT_POLICY=%s\n", tc, fid, n, d, threads, t1 - t0, tc - (t1 - t0), pol ? pol : "unset");
    fflush(stdout);

    char cmd[512], line[256];
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d OPENBLAS_NUM_THREADS=%d %s bench/fid_scipy.py %s %s %ld %d", threads,
             threads, python, xp, yp, n, d);
    FILE *p = popen(cmd, "r");
    double ts = -1, fs = 0;
    while (p && fgets(line, sizeof line, p)) {
        fputs(line, stdout);
        sscanf(line, "RESULT impl=scipy seconds=%lf fid=%lf", &ts, &fs);
    }
    int rc = p ? pclose(p) : -1;
    unlink(xp); unlink(yp); rmdir(dir);
    if (rc || ts < 0) { fprintf(stderr, "bench_fid: %s failed\n", cmd); return 1; }
    printf("FID %ld x %d, %d threads: morphogan %.2f s, scipy %.2f s, scipy/morphogan %.1fx faster; "
           "FID %.6f vs %.6f (relative difference %.1e)\n",
           n, d, threads, tc, ts, ts / tc, fid, fs, (fid - fs) / fs);
    free(x); free(y);
    return 0;
}
