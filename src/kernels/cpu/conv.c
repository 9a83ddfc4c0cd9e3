#include "kernels/conv.h"
#include <string.h>

void cpu_im2col(const float *x, ConvShape s, float *col) {
    const int KK = s.K * s.K, HoWo = s.Ho * s.Wo;
    const long ncol = (long)s.N * HoWo;
#pragma omp parallel for schedule(static) if ((long)s.C * KK * ncol > 32768)
    for (int r = 0; r < s.C * KK; r++) {
        const int c = r / KK, kh = (r % KK) / s.K, kw = r % s.K;
        float *dst = col + (long)r * ncol;
        /* valid output columns for this kw: 0 <= ow*stride - pad + kw < W */
        int ow_lo = 0, ow_hi = s.Wo;
        while (ow_lo < s.Wo && ow_lo * s.stride - s.pad + kw < 0) ow_lo++;
        while (ow_hi > ow_lo && (ow_hi - 1) * s.stride - s.pad + kw >= s.W) ow_hi--;
        for (int n = 0; n < s.N; n++) {
            const float *xc = x + ((long)n * s.Ctot + s.c0 + c) * s.H * s.W;
            for (int oh = 0; oh < s.Ho; oh++) {
                float *d = dst + (long)n * HoWo + (long)oh * s.Wo;
                const int ih = oh * s.stride - s.pad + kh;
                if (ih < 0 || ih >= s.H) { memset(d, 0, s.Wo * sizeof(float)); continue; }
                const float *xr = xc + (long)ih * s.W - s.pad + kw;
                for (int ow = 0; ow < ow_lo; ow++) d[ow] = 0;
                if (s.stride == 1) memcpy(d + ow_lo, xr + ow_lo, (ow_hi - ow_lo) * sizeof(float));
                else for (int ow = ow_lo; ow < ow_hi; ow++) d[ow] = xr[ow * s.stride];
                for (int ow = ow_hi; ow < s.Wo; ow++) d[ow] = 0;
            }
        }
    }
}

void cpu_col2im(const float *col, ConvShape s, float *x) {
    const int KK = s.K * s.K, HoWo = s.Ho * s.Wo;
    const long ncol = (long)s.N * HoWo;
    /* one channel per iteration: every write of iteration c lands in channel c only (deterministic) */
#pragma omp parallel for schedule(static) if ((long)s.C * KK * ncol > 32768)
    for (int c = 0; c < s.C; c++)
        for (int kh = 0; kh < s.K; kh++)
            for (int kw = 0; kw < s.K; kw++) {
                const float *src = col + (long)((c * s.K + kh) * s.K + kw) * ncol;
                int ow_lo = 0, ow_hi = s.Wo;
                while (ow_lo < s.Wo && ow_lo * s.stride - s.pad + kw < 0) ow_lo++;
                while (ow_hi > ow_lo && (ow_hi - 1) * s.stride - s.pad + kw >= s.W) ow_hi--;
                for (int n = 0; n < s.N; n++) {
                    float *xc = x + ((long)n * s.Ctot + s.c0 + c) * s.H * s.W;
                    for (int oh = 0; oh < s.Ho; oh++) {
                        const int ih = oh * s.stride - s.pad + kh;
                        if (ih < 0 || ih >= s.H) continue;
                        const float *sr = src + (long)n * HoWo + (long)oh * s.Wo;
                        float *xr = xc + (long)ih * s.W - s.pad + kw;
                        for (int ow = ow_lo; ow < ow_hi; ow++) xr[ow * s.stride] += sr[ow];
                    }
                }
            }
}

void cpu_pack_cn(const float *y, int N, int C, int HW, float *out) {
#pragma omp parallel for schedule(static) if ((long)N * C * HW > 32768)
    for (int c = 0; c < C; c++)
        for (int n = 0; n < N; n++) memcpy(out + ((long)c * N + n) * HW, y + ((long)n * C + c) * HW, HW * sizeof(float));
}

void cpu_unpack_cn(const float *in, int N, int C, int HW, float *y) {
#pragma omp parallel for schedule(static) if ((long)N * C * HW > 32768)
    for (int c = 0; c < C; c++)
        for (int n = 0; n < N; n++) memcpy(y + ((long)n * C + c) * HW, in + ((long)c * N + n) * HW, HW * sizeof(float));
}

void ref_conv2d(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int K, int stride,
                int pad, int groups, int Ho, int Wo) {
    const int Cig = Ci / groups, Cog = Co / groups;
    for (int n = 0; n < N; n++)
        for (int co = 0; co < Co; co++)
            for (int oh = 0; oh < Ho; oh++)
                for (int ow = 0; ow < Wo; ow++) {
                    double s = 0;
                    const int g = co / Cog;
                    for (int ci = 0; ci < Cig; ci++)
                        for (int kh = 0; kh < K; kh++)
                            for (int kw = 0; kw < K; kw++) {
                                int ih = oh * stride - pad + kh, iw = ow * stride - pad + kw;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                s += (double)x[(((long)n * Ci + g * Cig + ci) * H + ih) * W + iw] *
                                     w[(((long)co * Cig + ci) * K + kh) * K + kw];
                            }
                    y[(((long)n * Co + co) * Ho + oh) * Wo + ow] = (float)s;
                }
}
