/* Winograd F(4x4, 3x3) transforms (kernels/winograd.h).  Each transform is separable: a 1-D transform
 * along the rows of a tile (strided over the row's pixels) and the same 1-D transform along its columns
 * (contiguous over the pixels of a row or the tiles of a block row, so it vectorises). */
#include "kernels/winograd.h"
#include <string.h>

enum { SEG = 32,        /* tiles of a row transformed together */
       TY_RUN = 4 };    /* tile rows of the output transforms done together (their row parts first) */

/* ---- filter: u = G g G^T (3x3 -> 6x6) ----
 *   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1] */
#define G_APPLY(g0, g1, g2, o0, o1, o2, o3, o4, o5)                                                 \
    do {                                                                                           \
        const __typeof__(g0) a_ = (g0) + (g2), b_ = (g0) * (1.0f / 24) + (g2) * (1.0f / 6);         \
        o0 = 0.25f * (g0);                                                                         \
        o1 = -(a_ + (g1)) * (1.0f / 6);                                                            \
        o2 = -(a_ - (g1)) * (1.0f / 6);                                                            \
        o3 = b_ + (g1) * (1.0f / 12);                                                              \
        o4 = b_ - (g1) * (1.0f / 12);                                                              \
        o5 = (g2);                                                                                 \
    } while (0)

typedef float v16 __attribute__((vector_size(64)));                       /* 16 filters side by side */
typedef float v16u __attribute__((vector_size(64), aligned(4), may_alias)); /* the same, at any float address */

/* u[(6 i + k) * plane + c] = ((G g_c) G^T)[i][k] for the filters whose taps are g[q][c] (T: float or v16) */
#define FILTER_BODY(T, LOAD, STORE)                                                                \
    do {                                                                                           \
        T t0[6], t1[6], t2[6];                                      /* columns 0, 1, 2 of G g */   \
        G_APPLY(LOAD(0), LOAD(3), LOAD(6), t0[0], t0[1], t0[2], t0[3], t0[4], t0[5]);               \
        G_APPLY(LOAD(1), LOAD(4), LOAD(7), t1[0], t1[1], t1[2], t1[3], t1[4], t1[5]);               \
        G_APPLY(LOAD(2), LOAD(5), LOAD(8), t2[0], t2[1], t2[2], t2[3], t2[4], t2[5]);               \
        for (int i = 0; i < 6; i++) {                               /* row i of (G g) G^T */       \
            T r0, r1, r2, r3, r4, r5;                                                              \
            G_APPLY(t0[i], t1[i], t2[i], r0, r1, r2, r3, r4, r5);                                  \
            STORE(6 * i, r0); STORE(6 * i + 1, r1); STORE(6 * i + 2, r2);                          \
            STORE(6 * i + 3, r3); STORE(6 * i + 4, r4); STORE(6 * i + 5, r5);                      \
        }                                                                                          \
    } while (0)

/* one output channel o: u_o[k * plane + c] for the C filters w_o [C,3,3], 64 at a time: their 9 taps moved
 * to rows first (gt [9][64]), then 16 filters per vector */
static void filter_row(const float *restrict w, int C, long plane, float *restrict u) {
    for (int c0 = 0; c0 < C; c0 += 64) {
        const int nc = C - c0 < 64 ? C - c0 : 64;
        float gt[9][64] __attribute__((aligned(64)));
        for (int c = 0; c < nc; c++)
            for (int q = 0; q < 9; q++) gt[q][c] = w[(long)(c0 + c) * 9 + q];
        float *uc = u + c0;
        int c = 0;
#define VLOAD(q) (*(const v16 *)&gt[q][c])
#define VSTORE(k, v) (*(v16u *)&uc[(k) * plane + c] = (v))
        for (; c + 16 <= nc; c += 16) FILTER_BODY(v16, VLOAD, VSTORE);
#define SLOAD(q) (gt[q][c])
#define SSTORE(k, v) (uc[(k) * plane + c] = (v))
        for (; c < nc; c++) FILTER_BODY(float, SLOAD, SSTORE);
#undef VLOAD
#undef VSTORE
#undef SLOAD
#undef SSTORE
    }
}

void cpu_wino4_filter(const float *w, int Co, int C, float *u) {
    const long plane = (long)Co * C;
#pragma omp parallel for schedule(static) if (plane >= 1024)
    for (int o = 0; o < Co; o++) filter_row(w + (long)o * C * 9, C, plane, u + (long)o * C);
}

/* G^T dU G (6x6 -> 3x3): the adjoint of the filter transform */
static inline void gt_apply(const float d[6], float g[3]) {
    const float s = d[1] + d[2], m = d[1] - d[2], s4 = d[3] + d[4], m4 = d[3] - d[4];
    g[0] = 0.25f * d[0] - s * (1.0f / 6) + s4 * (1.0f / 24);
    g[1] = -m * (1.0f / 6) + m4 * (1.0f / 12);
    g[2] = -s * (1.0f / 6) + s4 * (1.0f / 6) + d[5];
}

void cpu_wino4_filter_adjoint(const float *du, int Co, int C, float *gw) {
    const long plane = (long)Co * C;
#pragma omp parallel for schedule(static) if (plane >= 1024)
    for (int o = 0; o < Co; o++)
        for (int c = 0; c < C; c++) {
            const float *d = du + (long)o * C + c;
            float t[6][3];                                          /* dU G (6x6 -> 6x3) */
            for (int i = 0; i < 6; i++) {
                float row[6];
                for (int k = 0; k < 6; k++) row[k] = d[(6 * i + k) * plane];
                gt_apply(row, t[i]);
            }
            float *g = gw + ((long)o * C + c) * 9;
            for (int j = 0; j < 3; j++) {                           /* G^T (dU G) */
                float col[6], r[3];
                for (int i = 0; i < 6; i++) col[i] = t[i][j];
                gt_apply(col, r);
                g[j] = r[0], g[3 + j] = r[1], g[6 + j] = r[2];
            }
        }
}

/* ---- input: v = B^T d B (6x6 -> 6x6) ----
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1] */
#define BT_APPLY(d0, d1, d2, d3, d4, d5, o0, o1, o2, o3, o4, o5)                                    \
    do {                                                                                           \
        const float a_ = (d4) - 4.0f * (d2), b_ = (d3) - 4.0f * (d1);                               \
        const float c_ = (d4) - (d2), e_ = 2.0f * ((d3) - (d1));                                    \
        o0 = 4.0f * ((d0) - (d2)) + c_;                                                            \
        o1 = a_ + b_;                                                                              \
        o2 = a_ - b_;                                                                              \
        o3 = c_ + e_;                                                                              \
        o4 = c_ - e_;                                                                              \
        o5 = 4.0f * ((d1) - (d3)) + ((d5) - (d3));                                                 \
    } while (0)

/* Columns first: for a tile row, B^T over its 6 input rows (contiguous along the rows, full vectors, no
 * copy of the input) into cb [6][4 ns + 2] with the zero padding around the image; then B along each of the
 * 6 rows of cb (stride 4 over the tiles), straight into the 36 positions of v. */
static const float zero_row[4 * SEG + 2];

/* cb[i][jj] = (B^T (rows_0 .. rows_5))_i[jj] for jj in [lo, hi), zeros elsewhere in [0, n) */
static void column_part(const float *const rows[6], int lo, int hi, int n, float cb[restrict 6][4 * SEG + 2]) {
    const float *restrict d0 = rows[0], *restrict d1 = rows[1], *restrict d2 = rows[2];
    const float *restrict d3 = rows[3], *restrict d4 = rows[4], *restrict d5 = rows[5];
    float *restrict c0 = cb[0], *restrict c1 = cb[1], *restrict c2 = cb[2];
    float *restrict c3 = cb[3], *restrict c4 = cb[4], *restrict c5 = cb[5];
    for (int jj = lo; jj < hi; jj++)
        BT_APPLY(d0[jj], d1[jj], d2[jj], d3[jj], d4[jj], d5[jj], c0[jj], c1[jj], c2[jj], c3[jj], c4[jj], c5[jj]);
    for (int i = 0; i < 6; i++) {
        for (int jj = 0; jj < lo; jj++) cb[i][jj] = 0.0f;
        for (int jj = hi; jj < n; jj++) cb[i][jj] = 0.0f;
    }
}

/* v_k[t] (position 6 i + k) = (c B)[k] for the 6 values c[4 t .. 4 t + 5] of each of the ns tiles */
static void row_part(const float *restrict c, int ns, float *restrict v0, float *restrict v1, float *restrict v2,
                     float *restrict v3, float *restrict v4, float *restrict v5) {
    for (int t = 0; t < ns; t++) {
        const float *d = c + 4 * t;
        BT_APPLY(d[0], d[1], d[2], d[3], d[4], d[5], v0[t], v1[t], v2[t], v3[t], v4[t], v5[t]);
    }
}

/* up2: x is [C,H/2,W/2] and stands for its nearest 2x upsampling [C,H,W] (each row expanded in L1 first) */
static void input_transform(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane, int up2) {
    const int tw = wino4_tiles(W), Wh = W / 2;
    const long chw = up2 ? (long)(H / 2) * Wh : (long)H * W;        /* floats of a channel of x */
    for (int c = 0; c < C; c++) {
        const float *xc = x + (long)c * chw;
        for (int ta = ty0; ta < ty0 + rows; ta++) {
            if (!up2) {
                /* the 4 rows the next tile row adds (the next channel's first rows after the last tile row):
                 * asked for now, they arrive while this tile row is transformed */
                const long next = ta + 1 < ty0 + rows ? (long)(4 * ta + 5) * W : (long)H * W + (long)(4 * ty0 - 1) * W;
                const long end = (long)(C - c) * H * W;             /* floats from xc to the image's end */
                for (long o = next; o < next + 4L * W && o < end; o += 16) __builtin_prefetch(xc + o);
            }
            for (int s0 = 0; s0 < tw; s0 += SEG) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, j0 = 4 * s0 - 1, n = 4 * ns + 2;
                const int lo = j0 < 0 ? -j0 : 0, hi = W - j0 < n ? W - j0 : n;   /* columns j0 + lo .. inside */
                const float *rp[6];                                 /* input rows 4 ta - 1 + p, from column j0 */
                float ex[6][4 * SEG + 2];                           /* up2: the rows expanded */
                for (int p = 0; p < 6; p++) {
                    const int ih = 4 * ta - 1 + p;
                    if (ih < 0 || ih >= H) rp[p] = zero_row;
                    else if (!up2) rp[p] = xc + (long)ih * W + j0;
                    else {
                        const float *hr = xc + (long)(ih / 2) * Wh;
                        for (int jj = lo; jj < hi; jj++) ex[p][jj] = hr[(j0 + jj) / 2];
                        rp[p] = ex[p];
                    }
                }
                float cb[6][4 * SEG + 2];
                column_part(rp, lo, hi, n, cb);
                float *vo = v + (long)c * ld + (long)(ta - ty0) * tw + s0;
                for (int i = 0; i < 6; i++)
                    row_part(cb[i], ns, vo + (6 * i) * plane, vo + (6 * i + 1) * plane, vo + (6 * i + 2) * plane,
                             vo + (6 * i + 3) * plane, vo + (6 * i + 4) * plane, vo + (6 * i + 5) * plane);
            }
        }
    }
}

void cpu_wino4_input(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane) {
    input_transform(x, C, H, W, ty0, rows, v, ld, plane, 0);
}

void cpu_wino4_input_up2(const float *x, int C, int H, int W, int ty0, int rows, float *v, long ld, long plane) {
    input_transform(x, C, H, W, ty0, rows, v, ld, plane, 1);
}

/* ---- output: y = A^T m A (6x6 -> 4x4) ----
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1] */
#define AT_APPLY(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3)                                            \
    do {                                                                                           \
        const float p_ = (m1) + (m2), q_ = (m1) - (m2), r_ = (m3) + (m4), s_ = (m3) - (m4);          \
        o0 = (m0) + p_ + r_;                                                                       \
        o1 = q_ + 2.0f * s_;                                                                       \
        o2 = p_ + 4.0f * r_;                                                                       \
        o3 = q_ + 8.0f * s_ + (m5);                                                                \
    } while (0)

/* q_j[t] = (A^T (m_0 .. m_5))_j[t] for column position k (m_i: position 6 i + k, `step` floats apart) */
static inline void column_output(const float *restrict m0, const float *restrict m1, const float *restrict m2,
                                 const float *restrict m3, const float *restrict m4, const float *restrict m5, int ns,
                                 float *restrict q0, float *restrict q1, float *restrict q2, float *restrict q3) {
    for (int t = 0; t < ns; t++) AT_APPLY(m0[t], m1[t], m2[t], m3[t], m4[t], m5[t], q0[t], q1[t], q2[t], q3[t]);
}

/* q[4 a + j][k][t] = (A^T m)_j at column position k of the tiles s0 .. s0+ns-1 of tile rows ta + a, a < nt */
static void output_columns(const float *m, long ld, long plane, int o, int tw, int s0, int ns, int ta, int ty0, int nt,
                           float q[4 * TY_RUN][6][SEG]) {
    for (int a = 0; a < nt; a++) {
        const float *mo = m + (long)o * ld + (long)(ta + a - ty0) * tw + s0;
        for (int k = 0; k < 6; k++)
            column_output(mo + k * plane, mo + (6 + k) * plane, mo + (12 + k) * plane, mo + (18 + k) * plane,
                          mo + (24 + k) * plane, mo + (30 + k) * plane, ns, q[4 * a][k], q[4 * a + 1][k], q[4 * a + 2][k],
                          q[4 * a + 3][k]);
    }
}

/* output rows 4 ta + i of the ns tiles from s0, from q[i] (A^T m): yr [W] from tile s0 on */
static void output_row(const float (*qi)[SEG], int W, int s0, int full, int ns, float *yr) {
    for (int t = 0; t < full; t++)
        AT_APPLY(qi[0][t], qi[1][t], qi[2][t], qi[3][t], qi[4][t], qi[5][t], yr[4 * t], yr[4 * t + 1], yr[4 * t + 2],
                 yr[4 * t + 3]);
    if (full < ns) {                                                /* the last tile of a row: W % 4 columns */
        float z[4];
        AT_APPLY(qi[0][full], qi[1][full], qi[2][full], qi[3][full], qi[4][full], qi[5][full], z[0], z[1], z[2], z[3]);
        for (int l = 0; 4 * (s0 + full) + l < W; l++) yr[4 * full + l] = z[l];
    }
}

/* the 2x2 block sums of two output rows (q0, q1: A^T m of rows 2r, 2r + 1): pr [W/2] from tile s0 on (W even) */
static void output_row_sumpool2(const float (*q0)[SEG], const float (*q1)[SEG], int full, int ns, float *pr) {
    for (int t = 0; t < ns; t++) {
        float a0, a1, a2, a3, b0, b1, b2, b3;                       /* the tile's two output rows, as output_row */
        AT_APPLY(q0[0][t], q0[1][t], q0[2][t], q0[3][t], q0[4][t], q0[5][t], a0, a1, a2, a3);
        AT_APPLY(q1[0][t], q1[1][t], q1[2][t], q1[3][t], q1[4][t], q1[5][t], b0, b1, b2, b3);
        pr[2 * t] = a0 + a1 + b0 + b1;                              /* cpu_downsample_sum's order */
        if (t < full) pr[2 * t + 1] = a2 + a3 + b2 + b3;            /* a last tile of 2 columns: one sum */
    }
}

/* sumpool2: y is [Co,H/2,W/2], the output's 2x2 block sums (H, W even) */
static void output_transform(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y,
                             int sumpool2) {
    const int tw = wino4_tiles(W);
    for (int o = 0; o < Co; o++)
        for (int s0 = 0; s0 < tw; s0 += SEG)
            for (int ta = ty0; ta < ty0 + rows; ta += TY_RUN) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, nt = ty0 + rows - ta < TY_RUN ? ty0 + rows - ta : TY_RUN;
                const int full = (4 * (s0 + ns) <= W) ? ns : ns - 1;   /* tiles with all 4 output columns */
                float q[4 * TY_RUN][6][SEG];                        /* q[i]: output row 4 ta + i, before A */
                output_columns(m, ld, plane, o, tw, s0, ns, ta, ty0, nt, q);
                if (sumpool2)
                    for (int i = 0; i < 4 * nt && 4 * ta + i < H; i += 2)   /* rows 4 ta + i, + 1: one pooled row */
                        output_row_sumpool2(q[i], q[i + 1], full, ns,
                                            y + ((long)o * (H / 2) + (4 * ta + i) / 2) * (W / 2) + 2 * s0);
                else
                    for (int i = 0; i < 4 * nt && 4 * ta + i < H; i++)
                        output_row(q[i], W, s0, full, ns, y + ((long)o * H + 4 * ta + i) * W + 4 * s0);
            }
}

void cpu_wino4_output(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y) {
    output_transform(m, ld, plane, Co, H, W, ty0, rows, y, 0);
}

void cpu_wino4_output_sumpool2(const float *m, long ld, long plane, int Co, int H, int W, int ty0, int rows, float *y) {
    output_transform(m, ld, plane, Co, H, W, ty0, rows, y, 1);
}

/* ---- output adjoint: e = A g A^T (4x4 -> 6x6), the adjoint of the output transform ---- */
#define A_APPLY(g0, g1, g2, g3, o0, o1, o2, o3, o4, o5)                                             \
    do {                                                                                           \
        const float a_ = (g0) + (g2), b_ = (g1) + (g3);                                             \
        const float c_ = (g0) + 4.0f * (g2), d_ = 2.0f * (g1) + 8.0f * (g3);                        \
        o0 = (g0);                                                                                 \
        o1 = a_ + b_;                                                                              \
        o2 = a_ - b_;                                                                              \
        o3 = c_ + d_;                                                                              \
        o4 = c_ - d_;                                                                              \
        o5 = (g3);                                                                                 \
    } while (0)

/* p[k][t] = (row of a gy tile) A^T for the ns tiles of output row yr (from tile s0; columns past W are zeros) */
static void row_adjoint(const float *yr, int W, int s0, int full, int ns, float p[6][SEG]) {
    for (int t = 0; t < full; t++) {
        const float *g = yr + 4 * t;
        A_APPLY(g[0], g[1], g[2], g[3], p[0][t], p[1][t], p[2][t], p[3][t], p[4][t], p[5][t]);
    }
    if (full < ns) {
        float g[4] = {0, 0, 0, 0};
        for (int l = 0; 4 * (s0 + full) + l < W; l++) g[l] = yr[4 * full + l];
        A_APPLY(g[0], g[1], g[2], g[3], p[0][full], p[1][full], p[2][full], p[3][full], p[4][full], p[5][full]);
    }
}

/* the same for a row given at half width, hr (from tile s0: hr[2 t], hr[2 t + 1] are the tile's two pixel pairs;
 * W even, so a last tile has 2 columns) */
static void row_adjoint_up2(const float *hr, int full, int ns, float p[6][SEG]) {
    for (int t = 0; t < full; t++) {
        const float h0 = hr[2 * t], h1 = hr[2 * t + 1];
        A_APPLY(h0, h0, h1, h1, p[0][t], p[1][t], p[2][t], p[3][t], p[4][t], p[5][t]);
    }
    if (full < ns) {
        const float h0 = hr[2 * full], z = 0.0f;
        A_APPLY(h0, h0, z, z, p[0][full], p[1][full], p[2][full], p[3][full], p[4][full], p[5][full]);
    }
}

/* e_i[t] (position 6 i + k, `step` floats apart) = (A (p_0 .. p_3))_i[t] for column position k */
static inline void column_adjoint(const float *restrict p0, const float *restrict p1, const float *restrict p2,
                                  const float *restrict p3, int ns, float *restrict e0, float *restrict e1,
                                  float *restrict e2, float *restrict e3, float *restrict e4, float *restrict e5) {
    for (int t = 0; t < ns; t++) A_APPLY(p0[t], p1[t], p2[t], p3[t], e0[t], e1[t], e2[t], e3[t], e4[t], e5[t]);
}

/* up2: gy is [Co,H/2,W/2] and stands for its nearest 2x upsampling [Co,H,W] */
static void output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane, int up2) {
    const int tw = wino4_tiles(W);
    for (int o = 0; o < Co; o++)
        for (int s0 = 0; s0 < tw; s0 += SEG)
            for (int ta = ty0; ta < ty0 + rows; ta += TY_RUN) {
                const int ns = tw - s0 < SEG ? tw - s0 : SEG, nt = ty0 + rows - ta < TY_RUN ? ty0 + rows - ta : TY_RUN;
                const int full = (4 * (s0 + ns) <= W) ? ns : ns - 1;
                float p[4 * TY_RUN][6][SEG];                        /* p[i]: output row 4 ta + i */
                for (int i = 0; i < 4 * nt; i++) {
                    const int oh = 4 * ta + i;
                    if (oh >= H) memset(p[i], 0, sizeof p[i]);
                    else if (up2) row_adjoint_up2(gy + ((long)o * (H / 2) + oh / 2) * (W / 2) + 2 * s0, full, ns, p[i]);
                    else row_adjoint(gy + ((long)o * H + oh) * W + 4 * s0, W, s0, full, ns, p[i]);
                }
                for (int a = 0; a < nt; a++) {
                    float *eo = e + (long)o * ld + (long)(ta + a - ty0) * tw + s0;
                    const float(*q)[6][SEG] = p + 4 * a;
                    for (int k = 0; k < 6; k++)                     /* A (row-transformed tile), column position k */
                        column_adjoint(q[0][k], q[1][k], q[2][k], q[3][k], ns, eo + k * plane, eo + (6 + k) * plane,
                                       eo + (12 + k) * plane, eo + (18 + k) * plane, eo + (24 + k) * plane,
                                       eo + (30 + k) * plane);
                }
            }
}

void cpu_wino4_output_adjoint(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane) {
    output_adjoint(gy, Co, H, W, ty0, rows, e, ld, plane, 0);
}

void cpu_wino4_output_adjoint_up2(const float *gy, int Co, int H, int W, int ty0, int rows, float *e, long ld, long plane) {
    output_adjoint(gy, Co, H, W, ty0, rows, e, ld, plane, 1);
}
