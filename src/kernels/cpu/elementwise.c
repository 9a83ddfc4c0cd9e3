#include "kernels/elementwise.h"
#include <math.h>
#include <string.h>

#define PAR_MIN 32768   /* below this many elements a loop runs on one thread */

#define MAP(expr)                                                        \
    _Pragma("omp parallel for simd schedule(static) if (n > PAR_MIN)")  \
    for (size_t i = 0; i < n; i++) { float v = x[i]; y[i] = (expr); }

static inline float softplus1(float v) { return v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v)); }
static inline float sigmoid1(float v) {
    if (v >= 0) return 1.0f / (1.0f + expf(-v));
    float e = expf(v);
    return e / (1.0f + e);
}

void cpu_unary(UnaryOp op, size_t n, const float *x, float *y, float a, float b) {
    switch (op) {
    case UN_AFFINE: MAP(a * v + b); break;
    case UN_EXP: MAP(expf(v)); break;
    case UN_LOG: MAP(logf(v)); break;
    case UN_SQRT: MAP(sqrtf(v)); break;
    case UN_RSQRT: MAP(1.0f / sqrtf(v)); break;
    case UN_SQUARE: MAP(v * v); break;
    case UN_ABS: MAP(fabsf(v)); break;
    case UN_TANH: MAP(tanhf(v)); break;
    case UN_SIGMOID: MAP(sigmoid1(v)); break;
    case UN_SOFTPLUS: MAP(softplus1(v)); break;
    case UN_LEAKY_RELU: MAP(v > 0 ? v : a * v); break;
    }
}

/* both operands dense with the output layout: one vector loop per op (a switch inside the loop would
 * keep it scalar) */
#define DENSE(OPEXPR)                                                               \
    _Pragma("omp parallel for simd schedule(static) if (n > PAR_MIN)")            \
    for (size_t i = 0; i < n; i++) { float x = a[i], y = b[i]; out[i] = (OPEXPR); }

static void binary_dense(BinaryOp op, size_t n, const float *a, const float *b, float *out, float p, float q) {
    switch (op) {
    case BIN_ADD: DENSE(x + y); break;
    case BIN_SUB: DENSE(x - y); break;
    case BIN_MUL: DENSE(x * y); break;
    case BIN_DIV: DENSE(x / y); break;
    case BIN_MASK_MUL: DENSE(x * (y > 0 ? p : q)); break;
    }
}

/* inner loop specialised by op and by the operands' inner strides (1 = walks, 0 = broadcast) so that it vectorises */
#define INNER_S(OPEXPR, A3, B3)                                                     \
    for (int i3 = 0; i3 < n3; i3++) { float x = pa[(size_t)i3 * (A3)], y = pb[(size_t)i3 * (B3)]; po[i3] = (OPEXPR); }
#define INNER(OPEXPR)                                                               \
    do {                                                                            \
        if (a3 == 1 && b3 == 1) INNER_S(OPEXPR, 1, 1)                               \
        else if (a3 == 1 && b3 == 0) INNER_S(OPEXPR, 1, 0)                          \
        else if (a3 == 0 && b3 == 1) INNER_S(OPEXPR, 0, 1)                          \
        else INNER_S(OPEXPR, a3, b3)                                                \
    } while (0)

/* Drops size-1 dimensions and merges each dimension into the next inner one where both operands
 * walk them as one (stride[k] == shape[k+1] * stride[k+1], which includes broadcasting both): the
 * same loop with longer inner rows, e.g. x [N,C,H,W] * s [N,C,1,1] becomes rows of H*W. */
static void coalesce(int *sh, int *sa, int *sb) {
    int h[4], a[4], b[4], m = 0;                 /* kept dimensions, innermost first */
    for (int k = 3; k >= 0; k--) {
        if (sh[k] == 1) continue;
        if (m > 0 && sa[k] == h[m - 1] * a[m - 1] && sb[k] == h[m - 1] * b[m - 1]) {
            h[m - 1] *= sh[k];
            continue;
        }
        h[m] = sh[k]; a[m] = sa[k]; b[m] = sb[k]; m++;
    }
    for (int k = 0; k < 4; k++) {
        const int j = 3 - k;                     /* output position k <- kept dimension j (innermost at 3) */
        if (j < m) { sh[k] = h[j]; sa[k] = a[j]; sb[k] = b[j]; }
        else { sh[k] = 1; sa[k] = 0; sb[k] = 0; }
    }
}

void cpu_binary(BinaryOp op, const int *shape, const float *a, const int *stra, const float *b, const int *strb,
                float *out, float p, float q) {
    int sh[4] = {shape[0], shape[1], shape[2], shape[3]}, sa[4] = {stra[0], stra[1], stra[2], stra[3]};
    int sb[4] = {strb[0], strb[1], strb[2], strb[3]};
    const size_t total = (size_t)sh[0] * sh[1] * sh[2] * sh[3];
    if (!total) return;
    coalesce(sh, sa, sb);
    const int n3 = sh[3], a3 = sa[3], b3 = sb[3];
    /* fast path: both operands dense with the output layout */
    if (sh[0] == 1 && sh[1] == 1 && sh[2] == 1 && a3 == 1 && b3 == 1) {
        binary_dense(op, total, a, b, out, p, q);
        return;
    }
    const long rows = (long)sh[0] * sh[1] * sh[2];
#pragma omp parallel for schedule(static) if (total > PAR_MIN)
    for (long r = 0; r < rows; r++) {
        int i2 = (int)(r % sh[2]), i1 = (int)((r / sh[2]) % sh[1]), i0 = (int)(r / ((long)sh[2] * sh[1]));
        const float *pa = a + (size_t)i0 * sa[0] + (size_t)i1 * sa[1] + (size_t)i2 * sa[2];
        const float *pb = b + (size_t)i0 * sb[0] + (size_t)i1 * sb[1] + (size_t)i2 * sb[2];
        float *po = out + (size_t)r * n3;
        switch (op) {
        case BIN_ADD: INNER(x + y); break;
        case BIN_SUB: INNER(x - y); break;
        case BIN_MUL: INNER(x * y); break;
        case BIN_DIV: INNER(x / y); break;
        case BIN_MASK_MUL: INNER(x * (y > 0 ? p : q)); break;
        }
    }
}

void cpu_copy_strided(const int *sh, const float *x, const int *sx, float *out) {
    const size_t total = (size_t)sh[0] * sh[1] * sh[2] * sh[3];
    const long rows = (long)sh[0] * sh[1] * sh[2];
    const int n3 = sh[3], s3 = sx[3];
#pragma omp parallel for schedule(static) if (total > PAR_MIN)
    for (long r = 0; r < rows; r++) {
        int i2 = (int)(r % sh[2]), i1 = (int)((r / sh[2]) % sh[1]), i0 = (int)(r / ((long)sh[2] * sh[1]));
        const float *px = x + (size_t)i0 * sx[0] + (size_t)i1 * sx[1] + (size_t)i2 * sx[2];
        float *po = out + (size_t)r * n3;
        if (s3 == 1) memcpy(po, px, (size_t)n3 * sizeof(float));
        else for (int i3 = 0; i3 < n3; i3++) po[i3] = px[(size_t)i3 * s3];
    }
}

void cpu_copy_between(const int *sh, const float *x, const int *sx, float *out, const int *so) {
    const long rows = (long)sh[0] * sh[1] * sh[2];
#pragma omp parallel for schedule(static) if (rows * sh[3] > PAR_MIN)
    for (long r = 0; r < rows; r++) {
        int i2 = (int)(r % sh[2]), i1 = (int)((r / sh[2]) % sh[1]), i0 = (int)(r / ((long)sh[2] * sh[1]));
        const float *px = x + (size_t)i0 * sx[0] + (size_t)i1 * sx[1] + (size_t)i2 * sx[2];
        float *po = out + (size_t)i0 * so[0] + (size_t)i1 * so[1] + (size_t)i2 * so[2];
        for (int i3 = 0; i3 < sh[3]; i3++) po[(size_t)i3 * so[3]] = px[(size_t)i3 * sx[3]];
    }
}

void cpu_fill(size_t n, float *y, float v) {
#pragma omp parallel for simd schedule(static) if (n > PAR_MIN)
    for (size_t i = 0; i < n; i++) y[i] = v;
}

void cpu_axpy(size_t n, float alpha, const float *x, float *y) {
#pragma omp parallel for simd schedule(static) if (n > PAR_MIN)
    for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}
