/* Times mg_conv2d forward and its backward (input and weight gradients, mg_grad) on the convolution
 * shapes of the StyleGAN2 bench network (64x64 grey, ch-base 1024, ch-max 64, batch 32), min of --repeat
 * runs each.  The PyTorch peer is bench/torch_conv_layers.py; bench/run_conv_layers.sh runs both and prints
 * the ratios.
 *
 *   build/bench/bench_conv_layers [--repeat 20] [--batch 32] [--threads 2]
 * Prints one "LAYER ci co res k stride fwd_ms bwd_ms" line per shape. */
#include "core/autodiff.h"
#include "core/threads.h"
#include "ops/ops.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int SHAPES[][5] = {        /* in, out channels, input side, kernel, stride (padding k/2, or 1 for k 4) */
    {64, 64, 4, 3, 1}, {64, 64, 8, 3, 1}, {64, 64, 16, 3, 1}, {64, 32, 32, 3, 1}, {32, 32, 32, 3, 1},
    {32, 16, 64, 3, 1}, {16, 16, 64, 3, 1}, {16, 32, 64, 3, 1}, {32, 64, 32, 3, 1},
    {16, 32, 64, 4, 2}, {32, 64, 32, 4, 2}, {64, 64, 16, 4, 2},
};

int main(int argc, char **argv) {
    int repeat = 20, N = 32, threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--repeat")) repeat = v;
        else if (!strcmp(argv[i], "--batch")) N = v;
        else if (!strcmp(argv[i], "--threads")) threads = v;
        else { fprintf(stderr, "bench_conv_layers: unknown option %s\n", argv[i]); return 2; }
    }
    mg_set_threads(threads);
    Rng rng = rng_new(0);
    for (size_t s = 0; s < sizeof SHAPES / sizeof SHAPES[0]; s++) {
        const int Ci = SHAPES[s][0], Co = SHAPES[s][1], H = SHAPES[s][2], k = SHAPES[s][3], st = SHAPES[s][4];
        const int pad = k == 4 ? 1 : k / 2;
        double tf = 1e9, tb = 1e9;
        for (int r = 0; r < repeat; r++) {
            mg_step_reset();
            Tensor *x = tensor_new(TSHAPE(N, Ci, H, H)), *w = tensor_new(TSHAPE(Co, Ci, k, k));   /* [N,Ci,H,H], [Co,Ci,k,k] */
            rng_normal(&rng, x->data, tensor_numel(x), 0, 1);
            rng_normal(&rng, w->data, tensor_numel(w), 0, 1);
            x->requires_grad = w->requires_grad = 1;
            double t0 = omp_get_wtime();
            Tensor *y = mg_conv2d(x, w, NULL, (ConvGeom){st, pad, 0, 1});
            double t1 = omp_get_wtime();
            Tensor *ins[2] = {x, w}, *g[2];
            mg_grad(1, &y, NULL, 2, ins, g, 0);
            double t2 = omp_get_wtime();
            if (t1 - t0 < tf) tf = t1 - t0;
            if (t2 - t1 < tb) tb = t2 - t1;
        }
        printf("LAYER %d %d %d %d %d %.3f %.3f\n", Ci, Co, H, k, st, tf * 1e3, tb * 1e3);
    }
    return 0;
}
