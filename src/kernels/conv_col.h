/* Column-layout convolution blocks for stride-1 convolutions (the 3x3 "same" layers of style-based
 * generators and residual discriminators, where channels are few and images large):
 *
 * col [C*Kh*Kw, n*Ho*Wo] for a run of n images: row (c, kh, kw), column (i, oh, ow) holds
 * x[i, c, oh - ph + kh, ow - pw + kw] (0 outside).  Each row is a shifted copy of an image row,
 * so building it is contiguous copies of Wo floats, not gathers of K floats (kernels/conv.h's
 * row layout), and y [Co, n*Ho*Wo] = w [Co, C*Kh*Kw] @ col is one sgemm. */
#ifndef MG_K_CONV_COL_H
#define MG_K_CONV_COL_H

typedef struct ColShape {
    int n, C, H, W;             /* images of the run, channels, input size */
    int Kh, Kw, ph, pw;         /* kernel Kh x Kw, padding ph rows / pw columns on each side; stride 1 */
    int Ho, Wo;                 /* output rows of this block (a band of the output when oh0 > 0 or Ho short), columns */
    int oh0;                    /* first output row of the block */
} ColShape;

void cpu_im2col(const float *x, ColShape s, float *col);        /* x [n,C,H,W] -> col of output rows oh0..oh0+Ho-1 */
void cpu_col2im(const float *col, ColShape s, float *x);        /* x += scatter(col); caller zeroes x */
/* [n, C, HW] <-> [C, n*HW] (blocks of HW floats) */
void cpu_nchw_to_cnhw(const float *x, int n, int C, int HW, float *out);
void cpu_cnhw_to_nchw(const float *in, int n, int C, int HW, float *x);
#endif
