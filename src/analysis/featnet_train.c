/* Training and accuracy of the domain feature network.  See featnet_train.h. */
#include "analysis/featnet_train.h"
#include "core/error.h"
#include "data/augment.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double featnet_train(FeatNet *f, const float *images, const int *labels, long n, FeatTrainOptions o, FILE *log) {
    Rng rng = rng_new(o.seed);
    featnet_init(f, &rng);
    Adam opt = adam_default(o.lr, 0.9f, 0.999f);
    int *perm = mg_xmalloc((size_t)n * sizeof(int)), *yb = mg_xmalloc((size_t)o.batch * sizeof(int));
    float *xb = mg_xmalloc((size_t)o.batch * 784 * sizeof(float));
    double last = 0;
    int old = mg_set_grad_enabled(1);
    time_t t0 = time(NULL);
    const long per_epoch = n / o.batch, total = per_epoch * o.epochs;
    uint32_t *coin = mg_xmalloc((size_t)o.batch * sizeof(uint32_t));
    for (int ep = 0; ep < o.epochs; ep++) {
        rng_permutation(&rng, perm, (int)n);
        double sum = 0;
        long steps = 0;
        for (long i0 = 0; i0 + o.batch <= n; i0 += o.batch, steps++) {   /* drops the last partial batch */
            if (o.flip) for (int b = 0; b < o.batch; b++) coin[b] = rng_u32(&rng);
            for (int b = 0; b < o.batch; b++) {
                const float *src = images + (size_t)perm[i0 + b] * 784;
                if (o.flip && (coin[b] & 1)) aug_flip_x(1, 28, 28, src, xb + (size_t)b * 784);
                else memcpy(xb + (size_t)b * 784, src, 784 * sizeof(float));
                yb[b] = labels[perm[i0 + b]];
            }
            if (o.cosine) opt.lr = (float)(o.lr * 0.5 * (1 + cos(M_PI * (double)(ep * per_epoch + steps) / (double)total)));
            mg_step_reset();
            params_zero_grad(f->ps);
            Tensor *x = tensor_wrap(TSHAPE(o.batch, 1, 28, 28), xb);
            Tensor *loss = mg_softmax_cross_entropy(featnet_forward(f, x, NULL), yb);
            sum += tensor_item(loss);
            mg_backward(loss);
            adam_step(&opt, f->ps);
        }
        last = steps ? sum / steps : 0;
        if (log) fprintf(log, "epoch %d/%d: mean loss %.4f (%lds)\n", ep + 1, o.epochs, last, (long)(time(NULL) - t0));
    }
    mg_step_reset();
    mg_set_grad_enabled(old);
    free(perm); free(yb); free(xb); free(coin);
    return last;
}

double featnet_accuracy(FeatNet *f, const float *images, const int *labels, long n) {
    if (n < 1) return 0;
    float *lg = mg_xmalloc((size_t)n * FEATNET_CLASSES * sizeof(float));
    featnet_extract(f, images, n, 500, NULL, lg);
    long ok = 0;
    for (long i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < FEATNET_CLASSES; c++)
            if (lg[i * FEATNET_CLASSES + c] > lg[i * FEATNET_CLASSES + best]) best = c;
        ok += best == labels[i];
    }
    free(lg);
    return (double)ok / (double)n;
}
