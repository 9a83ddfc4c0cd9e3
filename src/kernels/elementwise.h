/* Elementwise and copy kernels (raw float pointers).  CPU versions: kernels/cpu/elementwise.c. */
#ifndef MG_K_ELEMENTWISE_H
#define MG_K_ELEMENTWISE_H
#include <stddef.h>

typedef enum {
    UN_AFFINE, UN_EXP, UN_LOG, UN_SQRT, UN_RSQRT, UN_SQUARE, UN_ABS, UN_TANH, UN_SIGMOID,
    UN_SOFTPLUS, UN_LEAKY_RELU
} UnaryOp;
/* y[i] = f(x[i]; a, b): AFFINE a*x+b; LEAKY_RELU x>0 ? x : a*x */
void cpu_unary(UnaryOp op, size_t n, const float *x, float *y, float a, float b);

typedef enum { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_MASK_MUL } BinaryOp;
/* out[i0..i3] = a[...] op b[...] over a 4-D output shape; sa/sb are element strides
 * (0 along broadcast dims).  MASK_MUL: a * (b > 0 ? p : q). */
void cpu_binary(BinaryOp op, const int *shape4, const float *a, const int *sa, const float *b, const int *sb,
                float *out, float p, float q);

/* out (contiguous, shape4) = x read through strides sx (0 = broadcast) */
void cpu_copy_strided(const int *shape4, const float *x, const int *sx, float *out);
/* out (strides so) = x (strides sx), both read/written through strides */
void cpu_copy_between(const int *shape4, const float *x, const int *sx, float *out, const int *so);
void cpu_fill(size_t n, float *y, float v);
void cpu_axpy(size_t n, float alpha, const float *x, float *y);      /* y += alpha x */
#endif
