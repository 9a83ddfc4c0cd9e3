#include "inversion/noise_maps.h"
#include <math.h>

Tensor *roll_last(Tensor *x, int axis) {
    const int len = x->shape[axis];
    Tensor *parts[2] = {mg_slice(x, axis, len - 1, 1), mg_slice(x, axis, 0, len - 1)};
    return mg_concat(2, parts, axis);
}

Tensor *noise_autocorr_reg(Tensor *noise) {
    Tensor *reg = NULL, *x = noise;
    for (;;) {
        for (int axis = 3; axis >= 2; axis--) {
            Tensor *c = mg_square(mg_mean(mg_mul(x, roll_last(x, axis)), 1u << 1 | 1u << 2 | 1u << 3, 0));   /* [N] */
            reg = reg ? mg_add(reg, c) : c;
        }
        if (x->shape[2] <= 8) break;
        x = mg_avg_pool2d(x, 2, 2, 0);
    }
    return reg;
}

void noise_renormalise(float *maps, int n, int r) {
    const size_t sz = (size_t)r * r;
    for (int i = 0; i < n; i++) {
        float *m = maps + i * sz;
        double mean = 0, sq = 0;
        for (size_t k = 0; k < sz; k++) mean += m[k];
        mean /= (double)sz;
        for (size_t k = 0; k < sz; k++) sq += (m[k] - mean) * (m[k] - mean);
        const double s = 1.0 / sqrt(sq / (double)sz);
        for (size_t k = 0; k < sz; k++) m[k] = (float)((m[k] - mean) * s);
    }
}
