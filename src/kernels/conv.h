/* Convolution building blocks: im2col / col2im over a whole batch, and NCHW <-> [C, N*HW] packing,
 * so that each convolution is one large sgemm per group (kernels/gemm.h).
 *
 * ConvShape describes one group of a convolution: x [N, Ctot, H, W] of which channels
 * [c0, c0 + C) are used, square kernel K, output Ho x Wo.  col [C*K*K, N*Ho*Wo]:
 * row (c, kh, kw), column (n, oh, ow) holds x[n, c0+c, oh*stride - pad + kh, ow*stride - pad + kw]
 * (0 outside the image). */
#ifndef MG_K_CONV_H
#define MG_K_CONV_H

typedef struct ConvShape {
    int N, Ctot, c0, C, H, W;
    int K, stride, pad;
    int Ho, Wo;
} ConvShape;

void cpu_im2col(const float *x, ConvShape s, float *col);
void cpu_col2im(const float *col, ConvShape s, float *x);      /* x += scatter(col); caller zeroes x */
void cpu_pack_cn(const float *y, int N, int C, int HW, float *out);    /* [N,C,HW] -> [C,N*HW] */
void cpu_unpack_cn(const float *in, int N, int C, int HW, float *y);   /* [C,N*HW] -> [N,C,HW] */

/* Plain-loop reference convolution (the tests compare the fast path against it):
 * x [N,Ci,H,W], w [Co,Ci/groups,K,K] -> y [N,Co,Ho,Wo] */
void ref_conv2d(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int K, int stride,
                int pad, int groups, int Ho, int Wo);
#endif
