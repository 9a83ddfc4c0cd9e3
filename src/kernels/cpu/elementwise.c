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

static inline float bin1(BinaryOp op, float x, float y, float p, float q) {
    switch (op) {
    case BIN_ADD: return x + y;
    case BIN_SUB: return x - y;
    case BIN_MUL: return x * y;
    case BIN_DIV: return x / y;
    case BIN_MASK_MUL: return x * (y > 0 ? p : q);
    }
    return 0;
}

/* inner loop specialised by op so that it vectorises */
#define INNER(OPEXPR)                                                               \
    for (int i3 = 0; i3 < n3; i3++) { float x = pa[(size_t)i3 * a3], y = pb[(size_t)i3 * b3]; po[i3] = (OPEXPR); }

void cpu_binary(BinaryOp op, const int *sh, const float *a, const int *sa, const float *b, const int *sb,
                float *out, float p, float q) {
    const size_t total = (size_t)sh[0] * sh[1] * sh[2] * sh[3];
    const int n3 = sh[3], a3 = sa[3], b3 = sb[3];
    /* fast path: both operands dense with the output layout */
    int a_dense = sa[3] == 1 && sa[2] == sh[3] && sa[1] == sh[2] * sh[3] && sa[0] == sh[1] * sh[2] * sh[3];
    int b_dense = sb[3] == 1 && sb[2] == sh[3] && sb[1] == sh[2] * sh[3] && sb[0] == sh[1] * sh[2] * sh[3];
    if (a_dense && b_dense) {
        const size_t n = total;
#pragma omp parallel for simd schedule(static) if (n > PAR_MIN)
        for (size_t i = 0; i < n; i++) out[i] = bin1(op, a[i], b[i], p, q);
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
