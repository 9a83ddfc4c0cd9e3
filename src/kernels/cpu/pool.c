#include "kernels/pool.h"
#include <math.h>
#include <string.h>

#define PAR_MIN 32768L

void cpu_max_pool2d(long planes, int H, int W, int k, int stride, int pad, int Ho, int Wo, const float *x, float *y,
                    int *idx) {
#pragma omp parallel for schedule(static) if (planes * Ho * Wo * k * k > PAR_MIN)
    for (long p = 0; p < planes; p++) {
        const float *px = x + (size_t)p * H * W;
        float *py = y + (size_t)p * Ho * Wo;
        int *pi = idx + (size_t)p * Ho * Wo;
        for (int oh = 0; oh < Ho; oh++) {
            const int h0 = oh * stride - pad, ha = h0 < 0 ? 0 : h0, hb = h0 + k > H ? H : h0 + k;
            for (int ow = 0; ow < Wo; ow++) {
                const int w0 = ow * stride - pad, wa = w0 < 0 ? 0 : w0, wb = w0 + k > W ? W : w0 + k;
                int best = ha * W + wa;
                float m = px[best];
                for (int h = ha; h < hb; h++)
                    for (int w = wa; w < wb; w++) {
                        const float v = px[h * W + w];
                        if (v > m || v != v) { m = v; best = h * W + w; }     /* PyTorch's rule: a NaN wins */
                    }
                py[oh * Wo + ow] = m;
                pi[oh * Wo + ow] = best;
            }
        }
    }
}

void cpu_index_gather(long planes, int HWin, int HWout, const int *idx, const float *x, float *y) {
#pragma omp parallel for schedule(static) if (planes * HWout > PAR_MIN)
    for (long p = 0; p < planes; p++) {
        const float *px = x + (size_t)p * HWin;
        const int *pi = idx + (size_t)p * HWout;
        float *py = y + (size_t)p * HWout;
        for (int o = 0; o < HWout; o++) py[o] = px[pi[o]];
    }
}

void cpu_index_scatter(long planes, int HWin, int HWout, const int *idx, const float *g, float *gx) {
#pragma omp parallel for schedule(static) if (planes * HWout > PAR_MIN)
    for (long p = 0; p < planes; p++) {
        float *px = gx + (size_t)p * HWin;
        const int *pi = idx + (size_t)p * HWout;
        const float *pg = g + (size_t)p * HWout;
        memset(px, 0, (size_t)HWin * sizeof *px);
        for (int o = 0; o < HWout; o++) px[pi[o]] += pg[o];
    }
}

void ref_max_pool2d(const float *x, float *y, long planes, int H, int W, int k, int stride, int pad, int Ho, int Wo) {
    for (long p = 0; p < planes; p++)
        for (int oh = 0; oh < Ho; oh++)
            for (int ow = 0; ow < Wo; ow++) {
                float m = -INFINITY;
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) {
                        const int h = oh * stride - pad + i, w = ow * stride - pad + j;
                        if (h >= 0 && h < H && w >= 0 && w < W && x[((size_t)p * H + h) * W + w] > m)
                            m = x[((size_t)p * H + h) * W + w];
                    }
                y[((size_t)p * Ho + oh) * Wo + ow] = m;
            }
}
