#include "kernels/conv_col.h"
#include <string.h>

/* These kernels run inside the per-thread loops of ops/conv_cols.c: no OpenMP of their own. */

/* output columns ow whose input column ow - pw + kw lies inside [0, W) */
static inline void col_range(ColShape s, int kw, int *lo, int *hi) {
    *lo = s.pw - kw > 0 ? s.pw - kw : 0;
    *hi = s.W + s.pw - kw < s.Wo ? s.W + s.pw - kw : s.Wo;
    if (*hi < *lo) *hi = *lo;
}

void cpu_im2col(const float *x, ColShape s, float *col) {
    const long HoWo = (long)s.Ho * s.Wo, cols = s.n * HoWo;
    for (int c = 0; c < s.C; c++)
        for (int kh = 0; kh < s.Kh; kh++)
            for (int kw = 0; kw < s.Kw; kw++) {
                float *row = col + ((long)(c * s.Kh + kh) * s.Kw + kw) * cols;
                int lo, hi;
                col_range(s, kw, &lo, &hi);
                for (int i = 0; i < s.n; i++) {
                    const float *xc = x + ((long)i * s.C + c) * s.H * s.W;
                    for (int oh = 0; oh < s.Ho; oh++) {
                        float *d = row + i * HoWo + (long)oh * s.Wo;
                        const int ih = s.oh0 + oh - s.ph + kh;
                        if (ih < 0 || ih >= s.H) { memset(d, 0, sizeof(float) * s.Wo); continue; }
                        for (int ow = 0; ow < lo; ow++) d[ow] = 0;
                        memcpy(d + lo, xc + (long)ih * s.W + lo - s.pw + kw, sizeof(float) * (hi - lo));
                        for (int ow = hi; ow < s.Wo; ow++) d[ow] = 0;
                    }
                }
            }
}

void cpu_col2im(const float *col, ColShape s, float *x) {
    const long HoWo = (long)s.Ho * s.Wo, cols = s.n * HoWo;
    for (int i = 0; i < s.n; i++)
        for (int c = 0; c < s.C; c++) {
            float *xc = x + ((long)i * s.C + c) * s.H * s.W;
            for (int kh = 0; kh < s.Kh; kh++)
                for (int kw = 0; kw < s.Kw; kw++) {
                    const float *row = col + ((long)(c * s.Kh + kh) * s.Kw + kw) * cols + i * HoWo;
                    int lo, hi;
                    col_range(s, kw, &lo, &hi);
                    for (int oh = 0; oh < s.Ho; oh++) {
                        const int ih = s.oh0 + oh - s.ph + kh;
                        if (ih < 0 || ih >= s.H) continue;
                        float *d = xc + (long)ih * s.W;
                        const float *r = row + (long)oh * s.Wo;
                        const int shift = kw - s.pw;
                        for (int ow = lo; ow < hi; ow++) d[ow + shift] += r[ow];
                    }
                }
        }
}

void cpu_nchw_to_cnhw(const float *x, int n, int C, int HW, float *out) {
    for (int i = 0; i < n; i++)
        for (int c = 0; c < C; c++) memcpy(out + ((long)c * n + i) * HW, x + ((long)i * C + c) * HW, sizeof(float) * HW);
}

void cpu_cnhw_to_nchw(const float *in, int n, int C, int HW, float *x) {
    for (int i = 0; i < n; i++)
        for (int c = 0; c < C; c++) memcpy(x + ((long)i * C + c) * HW, in + ((long)c * n + i) * HW, sizeof(float) * HW);
}
