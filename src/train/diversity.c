#include "train/diversity.h"
#include "core/error.h"
#include <float.h>
#include <stdlib.h>

double diversity_pixel_var(const float *x, int n, int dim) {
    double total = 0;
    for (int j = 0; j < dim; j++) {
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double v = x[(size_t)i * dim + j];
            s += v;
            s2 += v * v;
        }
        double mean = s / n;
        total += s2 / n - mean * mean;
    }
    return total / dim;
}

int diversity_nn_classes(const float *x, int n, int dim, const float *ref, const int *labels, int nref, int nclass,
                         int *hist, int *top) {
    int *h = mg_xcalloc((size_t)nclass, sizeof(int));
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        double best = DBL_MAX;
        int arg = 0;
        for (int r = 0; r < nref; r++) {
            const float *a = x + (size_t)i * dim, *b = ref + (size_t)r * dim;
            float d = 0;
            for (int j = 0; j < dim; j++) d += (a[j] - b[j]) * (a[j] - b[j]);
            if (d < best) { best = d; arg = r; }
        }
        int l = labels[arg];
        if (l >= 0 && l < nclass) {
#pragma omp atomic
            h[l]++;
        }
    }
    int distinct = 0, mx = 0;
    for (int k = 0; k < nclass; k++) {
        distinct += h[k] > 0;
        if (h[k] > mx) mx = h[k];
        if (hist) hist[k] = h[k];
    }
    if (top) *top = mx;
    free(h);
    return distinct;
}
