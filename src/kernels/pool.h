/* Max pooling and the index gather / scatter pair its gradients are made of (raw pointers).
 * Images are `planes` contiguous planes (planes = N*C): input [H,W], output [Ho,Wo].
 * idx [planes, Ho*Wo] (int) holds, for each output, the position (h*W + w) of its maximum in its input plane.
 * CPU versions: kernels/cpu/pool.c; each plane is handled by one thread in a fixed order, so the
 * scatter (where windows overlap, several outputs may share one input position) is deterministic. */
#ifndef MG_K_POOL_H
#define MG_K_POOL_H

/* y = max over the k x k window at (oh*s - p, ow*s - p), positions outside the plane skipped; the first
 * maximum in row-major window order wins a tie, and a NaN (the last one) wins over numbers (as PyTorch). */
void cpu_max_pool2d(long planes, int H, int W, int k, int stride, int pad, int Ho, int Wo, const float *x, float *y,
                    int *idx);
/* y[p, o] = x[p, idx[p, o]]:  x [planes, HWin] -> y [planes, HWout] */
void cpu_index_gather(long planes, int HWin, int HWout, const int *idx, const float *x, float *y);
/* gx[p, idx[p, o]] += g[p, o] over o in order, gx zeroed first:  g [planes, HWout] -> gx [planes, HWin] */
void cpu_index_scatter(long planes, int HWin, int HWout, const int *idx, const float *g, float *gx);

/* Plain-loop reference max pooling (values only), the one the tests compare against. */
void ref_max_pool2d(const float *x, float *y, long planes, int H, int W, int k, int stride, int pad, int Ho, int Wo);
#endif
