/* The differentiable augmentation (train/diffaug.h) alone: forward and backward with respect to the
 * images, every transform enabled at p = 1 (the most work it can do), the same job as
 * bench/torch_diffaug.py (the PyTorch peer); bench/run_diffaug.sh runs both and prints the ratio.
 *
 *   build/bench/bench_diffaug [--batch 32] [--channels 3] [--size 64] [--reps 200] [--threads 2]
 *
 * Prints the time of one call (draw + apply + backward) and a "RESULT key=value ..." line. */
#include "core/threads.h"
#include "ops/ops.h"
#include "train/diffaug.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x, R [B,C,S,S] wrap memory outside the step arena; their headers are made anew after each reset */
static double one_call(const DiffAug *a, float *xd, float *rd, int B, int C, int S, Rng *rng) {
    Tensor *x = tensor_wrap(TSHAPE(B, C, S, S), xd), *R = tensor_wrap(TSHAPE(B, C, S, S), rd);
    x->requires_grad = 1;
    double t = omp_get_wtime();
    Tensor *y = diffaug_apply(a, x, rng), *gx;
    mg_grad(1, &y, &R, 1, &x, &gx, 0);
    t = omp_get_wtime() - t;
    mg_step_reset();
    return t;
}

int main(int argc, char **argv) {
    int B = 32, C = 3, S = 64, reps = 200, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--batch")) B = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--channels")) C = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) S = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else { fprintf(stderr, "bench_diffaug: unknown option %s\n", argv[i]); return 2; }
    }
    if (B < 1 || C < 1 || S < 2 || reps < 1 || threads < 1) { fprintf(stderr, "bench_diffaug: bad options\n"); return 2; }
    mg_set_threads(threads);
    DiffAug a = diffaug_defaults();
    a.ops |= DA_XFLIP | DA_ROT90;
    a.p = 1;
    float *xd, *rd;
    size_t n = (size_t)B * C * S * S;
    xd = malloc(n * sizeof *xd);
    rd = malloc(n * sizeof *rd);
    Rng init = rng_new(1);
    rng_uniform(&init, xd, n, -1, 1);
    rng_uniform(&init, rd, n, -1, 1);
    Rng rng = rng_new(2);
    for (int r = 0; r < 10; r++) one_call(&a, xd, rd, B, C, S, &rng);     /* warm-up: arena chunks, pages */
    double total = 0, best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = one_call(&a, xd, rd, B, C, S, &rng);
        total += t;
        if (t < best) best = t;
    }
    double mean_ms = 1e3 * total / reps;
    printf("morphogan bench_diffaug batch=%d [%d,%d,%d] threads=%d: %.3f ms per forward+backward (best %.3f ms)\n", B, C,
           S, S, threads, mean_ms, 1e3 * best);
    printf("RESULT impl=morphogan ms=%.4f best_ms=%.4f\n", mean_ms, 1e3 * best);
    free(xd);
    free(rd);
    return 0;
}
