#include "kernels/conv.h"
#include <cblas.h>
#include <omp.h>
#include <string.h>

/* These kernels run inside the per-thread loops of ops/conv*.c: no OpenMP of their own, but for
 * cpu_add_channel_bias when called outside a parallel region. */

/* A kernel window that lies inside the image (no padding touched) is C*Kh runs of Kw floats: copied or
 * added run by run with the run length a constant for the common kernels (3, 4: single vector moves),
 * which makes these loops 3-4x faster than one general loop with bounds tests. */
#define WINDOW_COPY(KW)                                                                              \
    for (int c = 0; c < C; c++, x0 += HW)                                                            \
        for (int kh = 0; kh < Kh; kh++, d += (KW)) memcpy(d, x0 + (long)kh * W, (KW) * sizeof(float));
static void window_copy(float *d, const float *x0, int C, int Kh, int Kw, long HW, int W) {
    switch (Kw) {
    case 3: WINDOW_COPY(3) break;
    case 4: WINDOW_COPY(4) break;
    default: WINDOW_COPY(Kw) break;
    }
}

#define WINDOW_ADD(KW)                                                                               \
    for (int c = 0; c < C; c++, x0 += HW)                                                            \
        for (int kh = 0; kh < Kh; kh++, r += (KW)) {                                                 \
            float *xr = x0 + (long)kh * W;                                                           \
            for (int kw = 0; kw < (KW); kw++) xr[kw] += r[kw];                                       \
        }
static void window_add(const float *r, float *x0, int C, int Kh, int Kw, long HW, int W) {
    switch (Kw) {
    case 3: WINDOW_ADD(3) break;
    case 4: WINDOW_ADD(4) break;
    default: WINDOW_ADD(Kw) break;
    }
}

static inline int window_inside(ConvShape s, int ih0, int iw0) {
    return ih0 >= 0 && ih0 + s.Kh <= s.H && iw0 >= 0 && iw0 + s.Kw <= s.W;
}

void cpu_im2row(const float *x, ConvShape s, float *rows) {
    const int Kh = s.Kh, Kw = s.Kw, KKC = s.C * Kh * Kw;
    const long HW = (long)s.H * s.W;
    for (int n = 0; n < s.N; n++) {
        const float *xn = x + ((long)n * s.Ctot + s.c0) * HW;
        for (int oh = 0; oh < s.Ho; oh++)
            for (int ow = 0; ow < s.Wo; ow++) {
                float *d = rows + (((long)n * s.Ho + oh) * s.Wo + ow) * KKC;
                const int ih0 = oh * s.stride - s.ph, iw0 = ow * s.stride - s.pw;
                if (window_inside(s, ih0, iw0)) {
                    window_copy(d, xn + (long)ih0 * s.W + iw0, s.C, Kh, Kw, HW, s.W);
                    continue;
                }
                for (int c = 0; c < s.C; c++) {
                    const float *xc = xn + c * HW;
                    for (int kh = 0; kh < Kh; kh++, d += Kw) {
                        const int ih = ih0 + kh;
                        if (ih < 0 || ih >= s.H) { memset(d, 0, Kw * sizeof(float)); continue; }
                        const float *xr = xc + (long)ih * s.W + iw0;
                        for (int kw = 0; kw < Kw; kw++) {
                            const int iw = iw0 + kw;
                            d[kw] = iw >= 0 && iw < s.W ? xr[kw] : 0.0f;
                        }
                    }
                }
            }
    }
}

/* adds back pixel by pixel in the order (n, oh, ow): every input element receives its terms in the same order
 * whichever branch a window takes */
void cpu_row2im(const float *rows, ConvShape s, float *x) {
    const int Kh = s.Kh, Kw = s.Kw, KKC = s.C * Kh * Kw;
    const long HW = (long)s.H * s.W;
    for (int n = 0; n < s.N; n++) {
        float *xn = x + ((long)n * s.Ctot + s.c0) * HW;
        for (int oh = 0; oh < s.Ho; oh++)
            for (int ow = 0; ow < s.Wo; ow++) {
                const float *r = rows + (((long)n * s.Ho + oh) * s.Wo + ow) * KKC;
                const int ih0 = oh * s.stride - s.ph, iw0 = ow * s.stride - s.pw;
                if (window_inside(s, ih0, iw0)) {
                    window_add(r, xn + (long)ih0 * s.W + iw0, s.C, Kh, Kw, HW, s.W);
                    continue;
                }
                for (int c = 0; c < s.C; c++) {
                    float *xc = xn + c * HW;
                    for (int kh = 0; kh < Kh; kh++, r += Kw) {
                        const int ih = ih0 + kh;
                        if (ih < 0 || ih >= s.H) continue;
                        float *xr = xc + (long)ih * s.W + iw0;
                        for (int kw = 0; kw < Kw; kw++) {
                            const int iw = iw0 + kw;
                            if (iw >= 0 && iw < s.W) xr[kw] += r[kw];
                        }
                    }
                }
            }
    }
}

void cpu_add_channel_bias(float *y, int N, int C, long HW, const float *b) {
#pragma omp parallel for schedule(static) if (!omp_in_parallel() && (long)N * C * HW > 32768)
    for (long r = 0; r < (long)N * C; r++) {
        float *yr = y + r * HW;
        const float v = b[r % C];
#pragma omp simd
        for (long p = 0; p < HW; p++) yr[p] = yr[p] + v;
    }
}

/* per image a [C, HW] <-> [HW, C] transpose: OpenBLAS's somatcopy (alpha 1: the values unchanged), 2-4x
 * faster than a plain double loop at the GAN layers' shapes */
void cpu_nchw_to_nhwc(const float *x, int N, int C, int HW, float *out) {
    for (int n = 0; n < N; n++)
        cblas_somatcopy(CblasRowMajor, CblasTrans, C, HW, 1.0f, x + (long)n * C * HW, HW, out + (long)n * C * HW, C);
}

void cpu_nhwc_to_nchw(const float *in, int N, int C, int HW, float *y) {
    for (int n = 0; n < N; n++)
        cblas_somatcopy(CblasRowMajor, CblasTrans, HW, C, 1.0f, in + (long)n * C * HW, C, y + (long)n * C * HW, HW);
}

void ref_conv2d_rect(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int Kh, int Kw,
                     int stride, int ph, int pw, int groups, int Ho, int Wo) {
    const int Cig = Ci / groups, Cog = Co / groups;
    for (int n = 0; n < N; n++)
        for (int co = 0; co < Co; co++)
            for (int oh = 0; oh < Ho; oh++)
                for (int ow = 0; ow < Wo; ow++) {
                    double s = 0;
                    const int g = co / Cog;
                    for (int ci = 0; ci < Cig; ci++)
                        for (int kh = 0; kh < Kh; kh++)
                            for (int kw = 0; kw < Kw; kw++) {
                                int ih = oh * stride - ph + kh, iw = ow * stride - pw + kw;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                s += (double)x[(((long)n * Ci + g * Cig + ci) * H + ih) * W + iw] *
                                     w[(((long)co * Cig + ci) * Kh + kh) * Kw + kw];
                            }
                    y[(((long)n * Co + co) * Ho + oh) * Wo + ow] = (float)s;
                }
}

void ref_conv2d(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int K, int stride,
                int pad, int groups, int Ho, int Wo) {
    ref_conv2d_rect(x, w, y, N, Ci, H, W, Co, K, K, stride, pad, pad, groups, Ho, Wo);
}
