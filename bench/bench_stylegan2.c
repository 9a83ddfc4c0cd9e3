/* Times the StyleGAN2 training step (src/train/sg2_step.h: G step, D step, lazy path length every 4
 * and R1 every 16 steps, style mixing) at 64x64 grey, batch 32, the same network and step as the
 * PyTorch peer bench/torch_stylegan2.py.  Real images are uniform noise, as in the peer (the cost does
 * not depend on them).  The timed steps start after --warmup steps and span a multiple of 16 steps,
 * so both regularisers are in the average in their true proportion.
 *
 *   build/bench/bench_stylegan2 [--steps 16] [--warmup 2] [--batch 32] [--resolution 64] [--threads 2]
 *                               [--ch-base 1024] [--ch-max 64] [--z-dim 128] [--map-layers 8]
 * Prints a human-readable line, then "RESULT impl=morphogan steps_per_s=... peak_rss_mb=...". */
#include "core/error.h"
#include "core/threads.h"
#include "train/sg2_step.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static float *real_batch;

static const float *get_real(void *ctx, long index, const int **labels) {
    (void)ctx; (void)index;
    *labels = NULL;
    return real_batch;
}

int main(int argc, char **argv) {
    int steps = 16, warmup = 2, batch = 32, res = 64, threads = 2, ch_base = 1024, ch_max = 64, z = 128, map = 8;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--steps")) steps = v;
        else if (!strcmp(argv[i], "--warmup")) warmup = v;
        else if (!strcmp(argv[i], "--batch")) batch = v;
        else if (!strcmp(argv[i], "--resolution")) res = v;
        else if (!strcmp(argv[i], "--threads")) threads = v;
        else if (!strcmp(argv[i], "--ch-base")) ch_base = v;
        else if (!strcmp(argv[i], "--ch-max")) ch_max = v;
        else if (!strcmp(argv[i], "--z-dim")) z = v;
        else if (!strcmp(argv[i], "--map-layers")) map = v;
        else { fprintf(stderr, "bench_stylegan2: unknown option %s\n", argv[i]); return 2; }
    }
    mg_set_threads(threads);
    GanModel m;
    Rng init = rng_new(0), rng = rng_new(1);
    Sg2Spec s = {res, 1, z, z, map, ch_base, ch_max, 4, 0, 0};
    if (gan_stylegan2_init(&m, s, &init)) { fprintf(stderr, "bench_stylegan2: %s\n", mg_error_get()); return 1; }
    Sg2Trainer t;
    sg2_trainer_init(&t, &m, batch, 0.0025f, 0.0f, 0.99f, sg2_auto_gamma(res, batch));
    real_batch = mg_xmalloc(sizeof(float) * batch * res * res);
    rng_uniform(&rng, real_batch, (size_t)batch * res * res, -1, 1);
    for (int k = 0; k < warmup; k++) sg2_train_step(&t, k, get_real, NULL, &rng);
    double t0 = omp_get_wtime();
    for (int k = warmup; k < warmup + steps; k++) sg2_train_step(&t, k, get_real, NULL, &rng);
    double dt = omp_get_wtime() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("morphogan stylegan2: %.4f steps/s (%.1f img/s), batch %d, %dx%d, %d threads, %d timed steps, peak RSS %.0f MB\n",
           steps / dt, steps * batch / dt, batch, res, res, threads, steps, ru.ru_maxrss / 1024.0);
    printf("RESULT impl=morphogan steps_per_s=%.5f peak_rss_mb=%.1f\n", steps / dt, ru.ru_maxrss / 1024.0);
    sg2_trainer_free(&t);
    gan_model_free(&m);
    free(real_batch);
    return 0;
}
