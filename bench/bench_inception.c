/* Inception-v3 features (models/inception_v3.h) on 299x299 inputs: the time per image of inception_extract,
 * the same network as bench/torch_inception.py (which writes the weights file), measured in the same run by
 * bench/inception.sh.
 *
 *   build/bench/bench_inception --net FILE [--batch 8] [--reps 3] [--threads 2]
 * Prints the time per image (best of --reps batches after one warm-up batch) and a "RESULT key=value" line. */
#include "models/inception_v3.h"
#include "core/error.h"
#include "core/threads.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int main(int argc, char **argv) {
    const char *net_path = NULL;
    int batch = 8, reps = 3, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--net")) net_path = argv[i + 1];
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else { fprintf(stderr, "bench_inception: unknown option %s\n", argv[i]); return 2; }
    }
    if (!net_path || batch < 1 || reps < 1 || threads < 1) {
        fprintf(stderr, "usage: bench_inception --net FILE [--batch 8] [--reps 3] [--threads 2]\n");
        return 2;
    }
    mg_set_threads(threads);
    InceptionV3 net;
    double t = omp_get_wtime();
    if (inception_load(&net, net_path)) { fprintf(stderr, "bench_inception: %s\n", mg_error_get()); return 1; }
    const double load_s = omp_get_wtime() - t;
    const size_t per = 3 * 299 * 299;
    float *x = mg_xmalloc((size_t)batch * per * sizeof(float)), *feat = mg_xmalloc((size_t)batch * INCEPTION_DIM * sizeof(float));
    Rng r = rng_new(1);
    rng_uniform(&r, x, (size_t)batch * per, -1, 1);
    inception_extract(&net, x, batch, 3, 299, 299, batch, feat, NULL);       /* warm-up */
    double best = 1e30;
    for (int k = 0; k < reps; k++) {
        t = omp_get_wtime();
        inception_extract(&net, x, batch, 3, 299, 299, batch, feat, NULL);
        t = omp_get_wtime() - t;
        if (t < best) best = t;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("morphogan: inception_v3 batch %d, %d threads: %.1f ms per image (best of %d), load + fold %.2f s, peak RSS %.0f MB\n",
           batch, threads, best / batch * 1000, reps, load_s, ru.ru_maxrss / 1024.0);
    printf("RESULT impl=morphogan batch=%d threads=%d ms_per_image=%.2f peak_rss_mb=%.0f\n", batch, threads, best / batch * 1000,
           ru.ru_maxrss / 1024.0);
    inception_free(&net);
    free(x);
    free(feat);
    return 0;
}
