#include "kernels/gather.h"
#include <stddef.h>
#include <string.h>

#define PAR_MIN 32768L   /* below this many pixels a call runs on one thread */

void cpu_gather_pixels(int N, int C, int HW, const int *map, const float *x, float *y) {
    const long planes = (long)N * C;
#pragma omp parallel for schedule(static) if (planes * HW > PAR_MIN)
    for (long pl = 0; pl < planes; pl++) {
        const int *m = map + (size_t)(pl / C) * HW;
        const float *px = x + (size_t)pl * HW;
        float *py = y + (size_t)pl * HW;
        for (int p = 0; p < HW; p++) py[p] = m[p] >= 0 ? px[m[p]] : 0.0f;
    }
}

void cpu_scatter_add_pixels(int N, int C, int HW, const int *map, const float *g, float *gx) {
    const long planes = (long)N * C;
#pragma omp parallel for schedule(static) if (planes * HW > PAR_MIN)
    for (long pl = 0; pl < planes; pl++) {
        const int *m = map + (size_t)(pl / C) * HW;
        const float *pg = g + (size_t)pl * HW;
        float *out = gx + (size_t)pl * HW;
        memset(out, 0, (size_t)HW * sizeof *out);
        for (int p = 0; p < HW; p++)
            if (m[p] >= 0) out[m[p]] += pg[p];
    }
}

/* plain references: the definitions in kernels/gather.h, one element at a time */
void ref_gather_pixels(int N, int C, int HW, const int *map, const float *x, float *y) {
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int p = 0; p < HW; p++) {
                int q = map[n * HW + p];
                y[((size_t)n * C + c) * HW + p] = q >= 0 ? x[((size_t)n * C + c) * HW + q] : 0.0f;
            }
}

void ref_scatter_add_pixels(int N, int C, int HW, const int *map, const float *g, float *gx) {
    for (int n = 0; n < N; n++)
        for (int c = 0; c < C; c++)
            for (int q = 0; q < HW; q++) {
                float s = 0;
                for (int p = 0; p < HW; p++)
                    if (map[n * HW + p] == q) s += g[((size_t)n * C + c) * HW + p];
                gx[((size_t)n * C + c) * HW + q] = s;
            }
}
