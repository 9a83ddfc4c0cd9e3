#include "kernels/winograd.h"
#include <string.h>

enum { SEG = 64 };      /* tiles of a row transformed together (stack buffers of a few KB) */

/* tiles s0..s0+ns-1 of a row of tw: how many have both output columns (an odd W drops the last tile's second) */
static inline int full_tiles(int s0, int ns, int tw, int W) { return s0 + ns < tw || !(W & 1) ? ns : ns - 1; }

void cpu_wino_filter(const float *w, int Co, int C, float *u) {
    const long plane = (long)Co * C;
    for (int o = 0; o < Co; o++)
        for (int c = 0; c < C; c++) {
            const float *g = w + ((long)o * C + c) * 9;
            float t[4][3];                                          /* G g */
            for (int j = 0; j < 3; j++) {
                t[0][j] = g[j];
                t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
                t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
                t[3][j] = g[6 + j];
            }
            float *uo = u + (long)o * C + c;
            for (int i = 0; i < 4; i++) {                           /* (G g) G^T */
                uo[(4 * i + 0) * plane] = t[i][0];
                uo[(4 * i + 1) * plane] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
                uo[(4 * i + 2) * plane] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
                uo[(4 * i + 3) * plane] = t[i][2];
            }
        }
}

/* r[k][t] = (d B)[k] for the 4 columns d_q[t] = row[2 (s0 + t) - 1 + q] of ns tiles (zeros outside [0, W)) */
static void row_transform(const float *row, int W, int s0, int ns, float r[4][SEG]) {
    float buf[2 * SEG + 2];
    const int j0 = 2 * s0 - 1, len = 2 * ns + 2;
    for (int q = 0; q < len; q++) buf[q] = (unsigned)(j0 + q) < (unsigned)W ? row[j0 + q] : 0.0f;
    for (int t = 0; t < ns; t++) {
        const float d0 = buf[2 * t], d1 = buf[2 * t + 1], d2 = buf[2 * t + 2], d3 = buf[2 * t + 3];
        r[0][t] = d0 - d2;
        r[1][t] = d1 + d2;
        r[2][t] = d2 - d1;
        r[3][t] = d1 - d3;
    }
}

void cpu_wino_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld) {
    const int tw = wino_tiles(W);
    const long plane = (long)C * ld;
    for (int c = 0; c < C; c++) {
        const float *xc = x + (long)c * H * W;
        for (int ty = ty0; ty < ty0 + rows; ty++)
            for (int s0 = 0; s0 < tw; s0 += SEG) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG;
                float r[4][4][SEG];                                 /* r[i] = (d B) of input row 2ty-1+i */
                for (int i = 0; i < 4; i++) {
                    const int ih = 2 * ty - 1 + i;
                    if (ih < 0 || ih >= H) memset(r[i], 0, sizeof r[i]);
                    else row_transform(xc + (long)ih * W, W, s0, ns, r[i]);
                }
                float *vo = v + (long)c * ld + (long)(ty - ty0) * tw + s0;
                for (int k = 0; k < 4; k++) {                       /* B^T (d B) */
                    float *v0 = vo + (0 + k) * plane, *v1 = vo + (4 + k) * plane;
                    float *v2 = vo + (8 + k) * plane, *v3 = vo + (12 + k) * plane;
                    for (int t = 0; t < ns; t++) {
                        v0[t] = r[0][k][t] - r[2][k][t];
                        v1[t] = r[1][k][t] + r[2][k][t];
                        v2[t] = r[2][k][t] - r[1][k][t];
                        v3[t] = r[1][k][t] - r[3][k][t];
                    }
                }
            }
    }
}

void cpu_wino_output(const float *m, long ld, int Co, int H, int W, int ty0, int rows, float *y) {
    const int tw = wino_tiles(W);
    const long plane = (long)Co * ld;
    for (int o = 0; o < Co; o++)
        for (int ty = ty0; ty < ty0 + rows; ty++)
            for (int s0 = 0; s0 < tw; s0 += SEG) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG;
                const float *mo = m + (long)o * ld + (long)(ty - ty0) * tw + s0;
                float q[2][4][SEG];                                 /* A^T m */
                for (int k = 0; k < 4; k++) {
                    const float *m0 = mo + (0 + k) * plane, *m1 = mo + (4 + k) * plane;
                    const float *m2 = mo + (8 + k) * plane, *m3 = mo + (12 + k) * plane;
                    for (int t = 0; t < ns; t++) {
                        q[0][k][t] = m0[t] + m1[t] + m2[t];
                        q[1][k][t] = m1[t] - m2[t] - m3[t];
                    }
                }
                for (int a = 0; a < 2; a++) {                       /* (A^T m) A, interleaved into the output row */
                    const int oh = 2 * ty + a;
                    if (oh >= H) break;
                    float *yr = y + ((long)o * H + oh) * W + 2 * s0;
                    float ev[SEG], od[SEG];
                    for (int t = 0; t < ns; t++) {
                        ev[t] = q[a][0][t] + q[a][1][t] + q[a][2][t];
                        od[t] = q[a][1][t] - q[a][2][t] - q[a][3][t];
                    }
                    const int full = full_tiles(s0, ns, tw, W);
                    for (int t = 0; t < full; t++) {
                        yr[2 * t] = ev[t];
                        yr[2 * t + 1] = od[t];
                    }
                    if (full < ns) yr[2 * full] = ev[full];
                }
            }
}

void cpu_wino_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld) {
    const int tw = wino_tiles(W);
    const long plane = (long)Co * ld;
    for (int o = 0; o < Co; o++)
        for (int ty = ty0; ty < ty0 + rows; ty++)
            for (int s0 = 0; s0 < tw; s0 += SEG) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG;
                float p[2][4][SEG];                                 /* row a of the tile times A^T: [g0, g0+g1, g0-g1, -g1] */
                for (int a = 0; a < 2; a++) {
                    const int oh = 2 * ty + a;
                    if (oh >= H) { memset(p[a], 0, sizeof p[a]); continue; }
                    const float *yr = gy + ((long)o * H + oh) * W + 2 * s0;
                    float ev[SEG], od[SEG];
                    const int full = full_tiles(s0, ns, tw, W);
                    for (int t = 0; t < full; t++) {
                        ev[t] = yr[2 * t];
                        od[t] = yr[2 * t + 1];
                    }
                    if (full < ns) ev[full] = yr[2 * full], od[full] = 0.0f;
                    for (int t = 0; t < ns; t++) {
                        p[a][0][t] = ev[t];
                        p[a][1][t] = ev[t] + od[t];
                        p[a][2][t] = ev[t] - od[t];
                        p[a][3][t] = -od[t];
                    }
                }
                float *eo = e + (long)o * ld + (long)(ty - ty0) * tw + s0;
                for (int k = 0; k < 4; k++) {                       /* A (row-transformed tile) */
                    float *e0 = eo + (0 + k) * plane, *e1 = eo + (4 + k) * plane;
                    float *e2 = eo + (8 + k) * plane, *e3 = eo + (12 + k) * plane;
                    for (int t = 0; t < ns; t++) {
                        e0[t] = p[0][k][t];
                        e1[t] = p[0][k][t] + p[1][k][t];
                        e2[t] = p[0][k][t] - p[1][k][t];
                        e3[t] = -p[1][k][t];
                    }
                }
            }
}

void cpu_wino_filter_adjoint(const float *du, int Co, int C, float *gw) {
    const long plane = (long)Co * C;
    for (int o = 0; o < Co; o++)
        for (int c = 0; c < C; c++) {
            const float *d = du + (long)o * C + c;
            float t[4][3];                                          /* dU G (4x4 -> 4x3) */
            for (int i = 0; i < 4; i++) {
                const float d0 = d[(4 * i + 0) * plane], d1 = d[(4 * i + 1) * plane];
                const float d2 = d[(4 * i + 2) * plane], d3 = d[(4 * i + 3) * plane];
                t[i][0] = d0 + 0.5f * (d1 + d2);
                t[i][1] = 0.5f * (d1 - d2);
                t[i][2] = 0.5f * (d1 + d2) + d3;
            }
            float *g = gw + ((long)o * C + c) * 9;
            for (int j = 0; j < 3; j++) {                           /* G^T (dU G) */
                g[j] = t[0][j] + 0.5f * (t[1][j] + t[2][j]);
                g[3 + j] = 0.5f * (t[1][j] - t[2][j]);
                g[6 + j] = 0.5f * (t[1][j] + t[2][j]) + t[3][j];
            }
        }
}
