/* Convolution building blocks: im2row / row2im and NCHW <-> NHWC transposes, so that each
 * convolution is one sgemm per group (kernels/gemm.h) over a chunk of images.
 *
 * ConvShape describes one group of a convolution over N images: x [N, Ctot, H, W] of which
 * channels [c0, c0 + C) are used, kernel Kh x Kw, padding ph rows / pw columns on each side, equal
 * strides, output Ho x Wo.
 * rows [N*Ho*Wo, C*Kh*Kw]: row (n, oh, ow), column (c, kh, kw) holds
 * x[n, c0+c, oh*stride - ph + kh, ow*stride - pw + kw] (0 outside the image).
 * Row layout keeps every access of image n inside image n's memory (cache friendly for the small
 * spatial sizes of GAN layers, where a [C*K*K, N*Ho*Wo] layout strides across the batch). */
#ifndef MG_K_CONV_H
#define MG_K_CONV_H

typedef struct ConvShape {
    int N, Ctot, c0, C, H, W;
    int Kh, Kw, stride, ph, pw;
    int Ho, Wo;
} ConvShape;

void cpu_im2row(const float *x, ConvShape s, float *rows);
void cpu_row2im(const float *rows, ConvShape s, float *x);     /* x += scatter(rows); caller zeroes x */
void cpu_nchw_to_nhwc(const float *x, int N, int C, int HW, float *out);   /* [N,C,HW] -> [N,HW,C] */
/* y [N,C,HW] += b [C] per channel: each element rounded as y + b (the broadcast add's rounding) */
void cpu_add_channel_bias(float *y, int N, int C, long HW, const float *b);
void cpu_nhwc_to_nchw(const float *in, int N, int C, int HW, float *y);    /* [N,HW,C] -> [N,C,HW] */

/* Plain-loop reference convolution (the tests compare the fast path against it):
 * x [N,Ci,H,W], w [Co,Ci/groups,K,K] -> y [N,Co,Ho,Wo] */
void ref_conv2d(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int K, int stride,
                int pad, int groups, int Ho, int Wo);
/* the same with a Kh x Kw kernel and ph / pw padding rows / columns: w [Co,Ci/groups,Kh,Kw] */
void ref_conv2d_rect(const float *x, const float *w, float *y, int N, int Ci, int H, int W, int Co, int Kh, int Kw,
                     int stride, int ph, int pw, int groups, int Ho, int Wo);
#endif
