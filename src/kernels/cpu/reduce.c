#include "kernels/reduce.h"
#include "kernels/cpu/sum_order.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

#define BLOCK 4096   /* partial sums over fixed blocks: same result for any thread count */

/* x[i], or x[i] * y[i] rounded to float when y is given: the product reduction reads exactly the values that
 * mg_mul would have written, so it sums the same numbers in the same order (the Makefile compiles this file
 * without floating-point contraction, so no product is fused into an addition).  y is a constant NULL or not
 * in each caller of reduce_impl, so the compiler keeps two specialised copies. */
#define VAL(x, y, i) ((y) ? (float)((x)[i] * (y)[i]) : (x)[i])

static inline double sum_contig(const float *x, const float *y, size_t n) {
    size_t nb = (n + BLOCK - 1) / BLOCK;
    double total = 0;
    if (nb <= 1) {
        for (size_t i = 0; i < n; i++) total += VAL(x, y, i);
        return total;
    }
    double part[nb];
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nb; b++) {
        size_t lo = b * BLOCK, hi = lo + BLOCK < n ? lo + BLOCK : n;
        double s = 0;
        for (size_t i = lo; i < hi; i++) s += VAL(x, y, i);
        part[b] = s;
    }
    for (size_t b = 0; b < nb; b++) total += part[b];
    return total;
}

static inline __attribute__((always_inline)) void reduce_impl(const int *sh, unsigned axes, const float *x, const float *y,
                                                              float *out) {
    int osh[4];
    for (int i = 0; i < 4; i++) osh[i] = (axes >> i & 1) ? 1 : sh[i];
    size_t in_total = (size_t)sh[0] * sh[1] * sh[2] * sh[3];
    size_t out_total = (size_t)osh[0] * osh[1] * osh[2] * osh[3];
    if (out_total == 1) { out[0] = (float)sum_contig(x, y, in_total); return; }
    size_t st[4] = {(size_t)sh[1] * sh[2] * sh[3], (size_t)sh[2] * sh[3], (size_t)sh[3], 1};
    /* trailing dims all reduced and contiguous: each output is a sum of one contiguous run */
    int last_kept = -1;
    for (int i = 0; i < 4; i++) if (!(axes >> i & 1) && sh[i] > 1) last_kept = i;
    int suffix_reduced = 1;
    for (int i = 0; i <= last_kept; i++) if ((axes >> i & 1) && sh[i] > 1) suffix_reduced = 0;
    if (suffix_reduced) {
        size_t run = in_total / out_total;
#pragma omp parallel for schedule(static) if (in_total > 32768)
        for (size_t o = 0; o < out_total; o++) {
            const size_t off = o * run;
            double s4[4] = {0, 0, 0, 0};          /* four chains, not one (kernels/cpu/sum_order.h) */
            size_t i = 0;
            for (; i + 4 <= run; i += 4)
                for (int j = 0; j < 4; j++) s4[j] += VAL(x, y, off + i + j);
            double s = chains_total(s4);
            for (; i < run; i++) s += VAL(x, y, off + i);
            out[o] = (float)s;
        }
        return;
    }
    /* kept dims form one block (e.g. the channel dim of NCHW, bias gradients and per-channel
     * statistics): x is [A, B, C] with A and C reduced, out[b] = sum_a sum_c x[a, b, c] */
    int first_kept = -1;
    for (int i = 0; i < 4; i++) if (!(axes >> i & 1) && sh[i] > 1 && first_kept < 0) first_kept = i;
    int block = 1;
    for (int i = first_kept; i <= last_kept; i++) if ((axes >> i & 1) && sh[i] > 1) block = 0;
    if (block) {
        size_t A = 1, B = 1, C = 1;
        for (int i = 0; i < first_kept; i++) A *= sh[i];
        for (int i = first_kept; i <= last_kept; i++) B *= sh[i];
        for (int i = last_kept + 1; i < 4; i++) C *= sh[i];
        if (C == 1) {          /* sum over leading rows: accumulate whole rows, vectorised over b */
#pragma omp parallel for schedule(static) if (in_total > 65536)
            for (size_t b0 = 0; b0 < B; b0 += 256) {
                size_t b1 = b0 + 256 < B ? b0 + 256 : B;
                double acc[256] = {0};
                for (size_t a = 0; a < A; a++) {
                    const size_t off = a * B;
                    for (size_t b = b0; b < b1; b++) acc[b - b0] += VAL(x, y, off + b);
                }
                for (size_t b = b0; b < b1; b++) out[b] = (float)acc[b - b0];
            }
            return;
        }
#pragma omp parallel for schedule(static) if (in_total > 32768)
        for (size_t b = 0; b < B; b++) {
            double sum = 0;
            for (size_t a = 0; a < A; a++) {
                const size_t off = (a * B + b) * C;
                v16f lane = {0};                  /* 16 running sums (kernels/cpu/sum_order.h) */
                size_t c = 0;
                for (; c + 16 <= C; c += 16) {
                    v16f u, w;
                    memcpy(&u, x + off + c, sizeof u);
                    if (y) { memcpy(&w, y + off + c, sizeof w); u = u * w; }
                    lane += u;
                }
                float s4 = lanes_total(lane);
                for (; c < C; c++) s4 += VAL(x, y, off + c);
                sum += s4;
            }
            out[b] = (float)sum;
        }
        return;
    }
    /* reduced dims form one block between kept ones (e.g. the channel dim of NCHW: a channel mean
     * per pixel): x is [A, B, C] with B reduced, out[a, c] = sum over b of x[a, b, c] in increasing b,
     * in double - the general loop's order, so the same numbers - vectorised over runs of c */
    int first_red = -1, last_red = -1;
    for (int i = 0; i < 4; i++)
        if ((axes >> i & 1) && sh[i] > 1) { if (first_red < 0) first_red = i; last_red = i; }
    int red_block = first_red >= 0;
    for (int i = first_red; red_block && i <= last_red; i++) if (!(axes >> i & 1) && sh[i] > 1) red_block = 0;
    if (red_block) {
        size_t A = 1, B = 1, C = 1;
        for (int i = 0; i < first_red; i++) A *= sh[i];
        for (int i = first_red; i <= last_red; i++) B *= sh[i];
        for (int i = last_red + 1; i < 4; i++) C *= sh[i];
        const size_t runs = (C + 255) / 256;
#pragma omp parallel for schedule(static) if (in_total > 32768)
        for (size_t t = 0; t < A * runs; t++) {
            size_t a = t / runs, c0 = (t % runs) * 256, c1 = c0 + 256 < C ? c0 + 256 : C;
            double acc[256] = {0};
            for (size_t b = 0; b < B; b++) {
                const size_t off = (a * B + b) * C;
                for (size_t c = c0; c < c1; c++) acc[c - c0] += VAL(x, y, off + c);
            }
            for (size_t c = c0; c < c1; c++) out[a * C + c] = (float)acc[c - c0];
        }
        return;
    }
    /* general case: one output element per iteration, loops over the reduced dims */
#pragma omp parallel for schedule(static) if (in_total > 32768)
    for (size_t o = 0; o < out_total; o++) {
        int oi[4];
        size_t r = o;
        for (int i = 3; i >= 0; i--) { oi[i] = (int)(r % osh[i]); r /= osh[i]; }
        int lo[4], hi[4];
        for (int i = 0; i < 4; i++) { lo[i] = (axes >> i & 1) ? 0 : oi[i]; hi[i] = (axes >> i & 1) ? sh[i] : oi[i] + 1; }
        double s = 0;
        for (int a = lo[0]; a < hi[0]; a++)
            for (int b = lo[1]; b < hi[1]; b++)
                for (int c = lo[2]; c < hi[2]; c++) {
                    const size_t off = a * st[0] + b * st[1] + c * st[2];
                    for (int d = lo[3]; d < hi[3]; d++) s += VAL(x, y, off + d);
                }
        out[o] = (float)s;
    }
}

void cpu_reduce_sum(const int *sh, unsigned axes, const float *x, float *out) { reduce_impl(sh, axes, x, NULL, out); }

void cpu_reduce_sum_prod(const int *sh, unsigned axes, const float *x, const float *y, float *out) {
    reduce_impl(sh, axes, x, y, out);
}

void cpu_logsumexp_rows(long rows, int n, const float *x, float *y) {
#pragma omp parallel for schedule(static) if (rows * n > 32768)
    for (long r = 0; r < rows; r++) {
        const float *p = x + r * n;
        float m = -INFINITY;
        for (int j = 0; j < n; j++) m = p[j] > m ? p[j] : m;
        double s = 0;
        for (int j = 0; j < n; j++) s += exp((double)p[j] - m);
        y[r] = m + (float)log(s);
    }
}

/* out[j] = ((0 + x[0][j]) + x[1][j]) + ...: blocks of columns, each summed row by row as vectors */
void cpu_sum_rows(int rows, size_t n, const float *x, float *out) {
    enum { B = 256 };
#pragma omp parallel for schedule(static) if (n * rows > 65536)
    for (size_t j0 = 0; j0 < n; j0 += B) {
        const size_t m = n - j0 < B ? n - j0 : B;
        float s[B];
        for (size_t j = 0; j < m; j++) s[j] = 0;
        for (int r = 0; r < rows; r++) {
            const float *xr = x + (size_t)r * n + j0;
#pragma omp simd
            for (size_t j = 0; j < m; j++) s[j] += xr[j];
        }
        memcpy(out + j0, s, m * sizeof(float));
    }
}
