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

static inline float at(const float *row, int W, int j) { return (unsigned)j < (unsigned)W ? row[j] : 0.0f; }

/* r[k][t] = (d B)[k] for the 4 columns d_q[t] = row[2 (s0 + t) - 1 + q] of ns tiles (zeros outside [0, W)).
 * The tiles that read inside the row load it directly (no copy into a buffer: a vector store followed by
 * overlapping stride-2 loads of the same bytes stalls store forwarding); the edge tiles test each index. */
static void row_transform(const float *row, int W, int s0, int ns, float r[4][SEG]) {
    const int last = W >= 3 ? (W - 3) / 2 : -1;               /* the last tile whose 4 columns are inside */
    int lo = s0 >= 1 ? 0 : 1 - s0, hi = last - s0 + 1;
    if (lo > ns) lo = ns;
    if (hi > ns) hi = ns;
    if (hi < lo) hi = lo;
    for (int t = 0; t < ns; t++) {                          /* edge tiles: t < lo, t >= hi */
        if (t == lo) t = hi;
        if (t >= ns) break;
        const int j = 2 * (s0 + t) - 1;
        const float d0 = at(row, W, j), d1 = at(row, W, j + 1), d2 = at(row, W, j + 2), d3 = at(row, W, j + 3);
        r[0][t] = d0 - d2;
        r[1][t] = d1 + d2;
        r[2][t] = d2 - d1;
        r[3][t] = d1 - d3;
    }
    for (int t = lo; t < hi; t++) {
        const float *d = row + 2 * (s0 + t) - 1;
        r[0][t] = d[0] - d[2];
        r[1][t] = d[1] + d[2];
        r[2][t] = d[2] - d[1];
        r[3][t] = d[1] - d[3];
    }
}

/* Tile rows ty0.. of each channel; input row ih's transform is kept in slot ih & 3 of a ring of four, so
 * the two rows that consecutive tile rows share are transformed once. */
void cpu_wino_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane) {
    const int tw = wino_tiles(W);
    for (int c = 0; c < C; c++) {
        const float *xc = x + (long)c * H * W;
        for (int s0 = 0; s0 < tw; s0 += SEG) {
            const int ns = tw - s0 < SEG ? tw - s0 : SEG;
            float r[4][4][SEG];                                     /* r[ih & 3] = (d B) of input row ih */
            for (int ih = 2 * ty0 - 1; ih <= 2 * (ty0 + rows); ih++) {
                if (ih < 0 || ih >= H) memset(r[ih & 3], 0, sizeof r[0]);
                else row_transform(xc + (long)ih * W, W, s0, ns, r[ih & 3]);
                if (ih < 2 * ty0 + 2 || (ih & 1)) continue;         /* rows 2ty-1 .. 2ty+2 are ready at ih = 2ty+2 */
                const int ty = (ih - 2) / 2;
                const float(*r0)[SEG] = r[(ih - 3) & 3], (*r1)[SEG] = r[(ih - 2) & 3];
                const float(*r2)[SEG] = r[(ih - 1) & 3], (*r3)[SEG] = r[ih & 3];
                float *vo = v + (long)c * ld + (long)(ty - ty0) * tw + s0;
                for (int k = 0; k < 4; k++) {                       /* B^T (d B) */
                    float *v0 = vo + (0 + k) * plane, *v1 = vo + (4 + k) * plane;
                    float *v2 = vo + (8 + k) * plane, *v3 = vo + (12 + k) * plane;
                    for (int t = 0; t < ns; t++) {
                        v0[t] = r0[k][t] - r2[k][t];
                        v1[t] = r1[k][t] + r2[k][t];
                        v2[t] = r2[k][t] - r1[k][t];
                        v3[t] = r1[k][t] - r3[k][t];
                    }
                }
            }
        }
    }
}

void cpu_wino_output(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y) {
    const int tw = wino_tiles(W);
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

void cpu_wino_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane) {
    const int tw = wino_tiles(W);
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
