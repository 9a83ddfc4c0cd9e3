#include "kernels/winograd.h"
#include <string.h>

enum { SEG = 64 };      /* tiles of a row transformed together (stack buffers of a few KB) */

/* tiles s0..s0+ns-1 of a row of tw: how many have both output columns (an odd W drops the last tile's second) */
static inline int full_tiles(int s0, int ns, int tw, int W) { return s0 + ns < tw || !(W & 1) ? ns : ns - 1; }

void cpu_wino_filter(const float *w, int Co, int C, float *u) {
    const long plane = (long)Co * C;
#pragma omp parallel for schedule(static) if (plane >= 1024)
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
static inline void tile_row(float d0, float d1, float d2, float d3, float r[4][SEG], int t) {   /* (d B) of one tile */
    r[0][t] = d0 - d2;
    r[1][t] = d1 + d2;
    r[2][t] = d2 - d1;
    r[3][t] = d1 - d3;
}

static void edge_tile(const float *row, int W, int s0, int t, float r[4][SEG]) {
    const int j = 2 * (s0 + t) - 1;
    tile_row(at(row, W, j), at(row, W, j + 1), at(row, W, j + 2), at(row, W, j + 3), r, t);
}

static void row_transform(const float *row, int W, int s0, int ns, float r[4][SEG]) {
    const int last = W >= 3 ? (W - 3) / 2 : -1;               /* the last tile whose 4 columns are inside */
    int lo = s0 >= 1 ? 0 : 1 - s0, hi = last - s0 + 1;       /* tiles lo .. hi-1 read inside the row */
    if (lo > ns) lo = ns;
    if (hi > ns) hi = ns;
    if (hi < lo) hi = lo;
    for (int t = 0; t < lo; t++) edge_tile(row, W, s0, t, r);
    for (int t = lo; t < hi; t++) {
        const float *d = row + 2 * (s0 + t) - 1;
        tile_row(d[0], d[1], d[2], d[3], r, t);
    }
    for (int t = hi; t < ns; t++) edge_tile(row, W, s0, t, r);
}

/* v_i[t] = (B^T (r_0 .. r_3))_i[t]: the input transform's second half (B^T over the tile's 4 rows), for
 * column position k; v_i is position 4 i + k */
static inline void column_transform(const float *restrict r0, const float *restrict r1, const float *restrict r2,
                                    const float *restrict r3, int ns, float *restrict v0, float *restrict v1,
                                    float *restrict v2, float *restrict v3) {
    for (int t = 0; t < ns; t++) {
        v0[t] = r0[t] - r2[t];
        v1[t] = r1[t] + r2[t];
        v2[t] = r2[t] - r1[t];
        v3[t] = r1[t] - r3[t];
    }
}

/* Tile rows ty0.. of each channel, TY_RUN tile rows at a time: first the row transforms of their
 * 2 TY_RUN + 2 input rows (each input row once, although two tile rows read it), then the column transforms.
 * Doing all row transforms first also lets their stores reach the cache before the column transforms load
 * the same bytes as whole vectors (a load that spans several pending stores stalls). */
enum { TY_RUN = 8 };

void cpu_wino_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane) {
    const int tw = wino_tiles(W);
    for (int c = 0; c < C; c++) {
        const float *xc = x + (long)c * H * W;
        for (int s0 = 0; s0 < tw; s0 += SEG)
            for (int ta = ty0; ta < ty0 + rows; ta += TY_RUN) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, nt = ty0 + rows - ta < TY_RUN ? ty0 + rows - ta : TY_RUN;
                float r[2 * TY_RUN + 2][4][SEG];                    /* r[i] = (d B) of input row 2 ta - 1 + i */
                for (int i = 0; i < 2 * nt + 2; i++) {
                    const int ih = 2 * ta - 1 + i;
                    if (ih < 0 || ih >= H) memset(r[i], 0, sizeof r[i]);
                    else row_transform(xc + (long)ih * W, W, s0, ns, r[i]);
                }
                for (int a = 0; a < nt; a++) {                      /* tile row ta + a: input rows 2a .. 2a+3 of r */
                    float *vo = v + (long)c * ld + (long)(ta + a - ty0) * tw + s0;
                    for (int k = 0; k < 4; k++)                     /* B^T (d B) */
                        column_transform(r[2 * a][k], r[2 * a + 1][k], r[2 * a + 2][k], r[2 * a + 3][k], ns,
                                         vo + k * plane, vo + (4 + k) * plane, vo + (8 + k) * plane,
                                         vo + (12 + k) * plane);
                }
            }
    }
}

/* q_a[t] = (A^T (m_0 .. m_3))_a[t]: the output transform's first half (A^T over the tile's 4 rows), for
 * column position k; m_i is position 4 i + k */
static inline void column_output(const float *restrict m0, const float *restrict m1, const float *restrict m2,
                                 const float *restrict m3, int ns, float *restrict q0, float *restrict q1) {
    for (int t = 0; t < ns; t++) {
        q0[t] = m0[t] + m1[t] + m2[t];
        q1[t] = m1[t] - m2[t] - m3[t];
    }
}

/* TY_RUN tile rows at a time: A^T m for all of them, then (A^T m) A interleaved into their output rows */
void cpu_wino_output(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y) {
    const int tw = wino_tiles(W);
    for (int o = 0; o < Co; o++)
        for (int s0 = 0; s0 < tw; s0 += SEG)
            for (int ta = ty0; ta < ty0 + rows; ta += TY_RUN) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, nt = ty0 + rows - ta < TY_RUN ? ty0 + rows - ta : TY_RUN;
                const int full = full_tiles(s0, ns, tw, W);
                float q[2 * TY_RUN][4][SEG];                        /* q[i]: output row 2 ta + i, before A */
                for (int a = 0; a < nt; a++) {
                    const float *mo = m + (long)o * ld + (long)(ta + a - ty0) * tw + s0;
                    for (int k = 0; k < 4; k++)
                        column_output(mo + k * plane, mo + (4 + k) * plane, mo + (8 + k) * plane, mo + (12 + k) * plane,
                                      ns, q[2 * a][k], q[2 * a + 1][k]);
                }
                for (int i = 0; i < 2 * nt && 2 * ta + i < H; i++) {
                    float *yr = y + ((long)o * H + 2 * ta + i) * W + 2 * s0;
                    const float(*qi)[SEG] = q[i];
                    for (int t = 0; t < full; t++) {
                        yr[2 * t] = qi[0][t] + qi[1][t] + qi[2][t];
                        yr[2 * t + 1] = qi[1][t] - qi[2][t] - qi[3][t];
                    }
                    if (full < ns) yr[2 * full] = qi[0][full] + qi[1][full] + qi[2][full];
                }
            }
}

/* p[k][t] = (row of a gy tile) A^T = [g0, g0 + g1, g0 - g1, -g1] for the ns tiles of output row yr (from
 * tile s0; the dropped column of an odd W is a zero) */
static void row_adjoint(const float *yr, int full, int ns, float p[4][SEG]) {
    for (int t = 0; t < full; t++) {
        const float g0 = yr[2 * t], g1 = yr[2 * t + 1];
        p[0][t] = g0;
        p[1][t] = g0 + g1;
        p[2][t] = g0 - g1;
        p[3][t] = -g1;
    }
    if (full < ns) p[0][full] = p[1][full] = p[2][full] = yr[2 * full], p[3][full] = 0.0f;
}

/* e_i[t] = (A (p_0, p_1))_i[t]: the adjoint output transform's second half (A over the tile's 2 rows), for
 * column position k; e_i is position 4 i + k */
static inline void column_adjoint(const float *restrict p0, const float *restrict p1, int ns, float *restrict e0,
                                  float *restrict e1, float *restrict e2, float *restrict e3) {
    for (int t = 0; t < ns; t++) {
        e0[t] = p0[t];
        e1[t] = p0[t] + p1[t];
        e2[t] = p0[t] - p1[t];
        e3[t] = -p1[t];
    }
}

/* TY_RUN tile rows at a time, row parts first (as cpu_wino_input) */
void cpu_wino_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane) {
    const int tw = wino_tiles(W);
    for (int o = 0; o < Co; o++)
        for (int s0 = 0; s0 < tw; s0 += SEG)
            for (int ta = ty0; ta < ty0 + rows; ta += TY_RUN) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, nt = ty0 + rows - ta < TY_RUN ? ty0 + rows - ta : TY_RUN;
                const int full = full_tiles(s0, ns, tw, W);
                float p[2 * TY_RUN][4][SEG];                        /* p[i]: output row 2 ta + i */
                for (int i = 0; i < 2 * nt; i++) {
                    const int oh = 2 * ta + i;
                    if (oh >= H) memset(p[i], 0, sizeof p[i]);
                    else row_adjoint(gy + ((long)o * H + oh) * W + 2 * s0, full, ns, p[i]);
                }
                for (int a = 0; a < nt; a++) {
                    float *eo = e + (long)o * ld + (long)(ta + a - ty0) * tw + s0;
                    for (int k = 0; k < 4; k++)                     /* A (row-transformed tile) */
                        column_adjoint(p[2 * a][k], p[2 * a + 1][k], ns, eo + k * plane, eo + (4 + k) * plane,
                                       eo + (8 + k) * plane, eo + (12 + k) * plane);
                }
            }
}

void cpu_wino_filter_adjoint(const float *du, int Co, int C, float *gw) {
    const long plane = (long)Co * C;
#pragma omp parallel for schedule(static) if (plane >= 1024)
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
