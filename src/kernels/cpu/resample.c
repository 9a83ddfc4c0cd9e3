#include "kernels/resample.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

#define PAR_MIN 32768L

void cpu_upsample_nearest(long planes, int H, int W, int f, const float *x, float *y) {
    const int Ho = H * f, Wo = W * f;
#pragma omp parallel for schedule(static) if (planes * Ho * Wo > PAR_MIN)
    for (long p = 0; p < planes; p++) {
        const float *px = x + (size_t)p * H * W;
        float *py = y + (size_t)p * Ho * Wo;
        if (f == 2) {                      /* the networks' case, without a division per pixel */
            for (int i = 0; i < H; i++) {
                const float *row = px + (size_t)i * W;
                float *out = py + (size_t)2 * i * Wo;
                for (int j = 0; j < W; j++) out[2 * j] = out[2 * j + 1] = row[j];
                memcpy(out + Wo, out, (size_t)Wo * sizeof(float));
            }
            continue;
        }
        for (int i = 0; i < Ho; i++) {
            const float *row = px + (size_t)(i / f) * W;
            float *out = py + (size_t)i * Wo;
            for (int j = 0; j < Wo; j++) out[j] = row[j / f];
        }
    }
}

void cpu_downsample_sum(long planes, int H, int W, int f, const float *g, float *gx) {
    const int Wo = W * f;
#pragma omp parallel for schedule(static) if (planes * H * W * f * f > PAR_MIN)
    for (long p = 0; p < planes; p++) {
        const float *pg = g + (size_t)p * H * f * Wo;
        float *out = gx + (size_t)p * H * W;
        if (f == 2) {                      /* the same sums in the same order as below */
            for (int h = 0; h < H; h++) {
                const float *r0 = pg + (size_t)2 * h * Wo, *r1 = r0 + Wo;
                for (int w = 0; w < W; w++) out[(size_t)h * W + w] = r0[2 * w] + r0[2 * w + 1] + r1[2 * w] + r1[2 * w + 1];
            }
            continue;
        }
        for (int h = 0; h < H; h++)
            for (int w = 0; w < W; w++) {
                float s = 0;
                for (int a = 0; a < f; a++)
                    for (int b = 0; b < f; b++) s += pg[(size_t)(h * f + a) * Wo + w * f + b];
                out[(size_t)h * W + w] = s;
            }
    }
}

/* source taps of each of the n_out output indices along one axis of length n (PyTorch's
 * align_corners=False rule: src = max(0, scale * (dst + 0.5) - 0.5), scale = n / n_out in float) */
typedef struct { int i0, i1; float l0, l1; } Tap;

static Tap *taps(int n, int n_out) {
    Tap *t = mg_xmalloc((size_t)n_out * sizeof *t);
    const float scale = (float)n / (float)n_out;    /* = 1/f exactly when n_out = f n (one correctly rounded quotient) */
    for (int d = 0; d < n_out; d++) {
        float src = scale * ((float)d + 0.5f) - 0.5f;
        if (src < 0) src = 0;
        int i0 = (int)src;
        if (i0 > n - 1) i0 = n - 1;
        float l1 = src - (float)i0;
        t[d] = (Tap){i0, i0 < n - 1 ? i0 + 1 : i0, 1.0f - l1, l1};
    }
    return t;
}

/* Enlarging (Ho >= H): separable, each input row interpolated along W once into hr [H, Wo] (the gathers),
 * then each output row a blend of two rows of hr (contiguous vectors); the adjoint in the reverse order.
 * Shrinking keeps the direct form, which touches only the input rows it uses. */
void cpu_resize_bilinear(long planes, int H, int W, int Ho, int Wo, const float *x, float *y) {
    Tap *th = taps(H, Ho), *tw = taps(W, Wo);
    const int sep = Ho >= H;
#pragma omp parallel if (planes * Ho * Wo > PAR_MIN)
    {
        float *hr = sep ? mg_xmalloc((size_t)H * Wo * sizeof *hr) : NULL;
#pragma omp for schedule(static)
        for (long p = 0; p < planes; p++) {
            const float *px = x + (size_t)p * H * W;
            float *py = y + (size_t)p * Ho * Wo;
            if (sep) {
                for (int k = 0; k < H; k++) {
                    const float *r = px + (size_t)k * W;
                    float *h = hr + (size_t)k * Wo;
                    for (int j = 0; j < Wo; j++) h[j] = tw[j].l0 * r[tw[j].i0] + tw[j].l1 * r[tw[j].i1];
                }
                for (int i = 0; i < Ho; i++) {
                    const Tap a = th[i];
                    const float *restrict h0 = hr + (size_t)a.i0 * Wo, *restrict h1 = hr + (size_t)a.i1 * Wo;
                    float *restrict out = py + (size_t)i * Wo;
                    for (int j = 0; j < Wo; j++) out[j] = a.l0 * h0[j] + a.l1 * h1[j];
                }
                continue;
            }
            for (int i = 0; i < Ho; i++) {
                const Tap a = th[i];
                const float *r0 = px + (size_t)a.i0 * W, *r1 = px + (size_t)a.i1 * W;
                float *out = py + (size_t)i * Wo;
                for (int j = 0; j < Wo; j++) {
                    const Tap b = tw[j];
                    out[j] = a.l0 * (b.l0 * r0[b.i0] + b.l1 * r0[b.i1]) + a.l1 * (b.l0 * r1[b.i0] + b.l1 * r1[b.i1]);
                }
            }
        }
        free(hr);
    }
    free(th);
    free(tw);
}

void cpu_resize_bilinear_adjoint(long planes, int H, int W, int Ho, int Wo, const float *g, float *gx) {
    Tap *th = taps(H, Ho), *tw = taps(W, Wo);
    const int sep = Ho >= H;
#pragma omp parallel if (planes * Ho * Wo > PAR_MIN)
    {
        float *vr = sep ? mg_xmalloc((size_t)H * Wo * sizeof *vr) : NULL;
#pragma omp for schedule(static)
        for (long p = 0; p < planes; p++) {
            const float *pg = g + (size_t)p * Ho * Wo;
            float *out = gx + (size_t)p * H * W;
            memset(out, 0, (size_t)H * W * sizeof *out);
            if (sep) {                               /* vr [H, Wo]: the rows' adjoint, then the columns' */
                memset(vr, 0, (size_t)H * Wo * sizeof *vr);
                for (int i = 0; i < Ho; i++) {
                    const Tap a = th[i];
                    const float *restrict row = pg + (size_t)i * Wo;
                    float *restrict v0 = vr + (size_t)a.i0 * Wo;
                    for (int j = 0; j < Wo; j++) v0[j] += a.l0 * row[j];
                    float *restrict v1 = vr + (size_t)a.i1 * Wo;
                    for (int j = 0; j < Wo; j++) v1[j] += a.l1 * row[j];
                }
                for (int k = 0; k < H; k++) {
                    const float *v = vr + (size_t)k * Wo;
                    float *o = out + (size_t)k * W;
                    for (int j = 0; j < Wo; j++) {
                        o[tw[j].i0] += tw[j].l0 * v[j];
                        o[tw[j].i1] += tw[j].l1 * v[j];
                    }
                }
                continue;
            }
            for (int i = 0; i < Ho; i++) {
                const Tap a = th[i];
                float *r0 = out + (size_t)a.i0 * W, *r1 = out + (size_t)a.i1 * W;
                const float *row = pg + (size_t)i * Wo;
                for (int j = 0; j < Wo; j++) {
                    const Tap b = tw[j];
                    const float v = row[j];
                    r0[b.i0] += a.l0 * b.l0 * v;
                    r0[b.i1] += a.l0 * b.l1 * v;
                    r1[b.i0] += a.l1 * b.l0 * v;
                    r1[b.i1] += a.l1 * b.l1 * v;
                }
            }
        }
        free(vr);
    }
    free(th);
    free(tw);
}

void cpu_upsample_bilinear(long planes, int H, int W, int f, const float *x, float *y) {
    cpu_resize_bilinear(planes, H, W, H * f, W * f, x, y);
}

void cpu_upsample_bilinear_adjoint(long planes, int H, int W, int f, const float *g, float *gx) {
    cpu_resize_bilinear_adjoint(planes, H, W, H * f, W * f, g, gx);
}
