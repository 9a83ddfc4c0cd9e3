/* Upsampling, resizing and average pooling.  Three closed adjoint pairs, each op's backward being the other:
 *   upsample_nearest <-> downsample_sum (sum over f x f blocks),
 *   upsample_bilinear <-> upsample_bilinear_adjoint,
 *   resize_bilinear <-> resize_bilinear_adjoint (any sizes, up or down).
 * All six are linear, so their gradients of any order are these ops again.
 * avg_pool2d is a depthwise conv2d with a constant 1/k^2 weight (its gradients are conv's), or, for
 * disjoint k x k blocks, downsample_sum / k^2. */
#include "ops/ops.h"
#include "ops/op_util.h"
#include "kernels/resample.h"

typedef void (*ResampleKernel)(long planes, int H, int W, int f, const float *in, float *out);

enum { UP_NEAREST, DOWN_SUM, UP_BILINEAR, BILINEAR_ADJ };

static const char *const resample_name[] = {"upsample_nearest", "downsample_sum", "upsample_bilinear",
                                            "upsample_bilinear_adjoint"};
static const int resample_adjoint[] = {DOWN_SUM, UP_NEAREST, BILINEAR_ADJ, UP_BILINEAR};

static Tensor *resample(int kind, Tensor *x, int f);

static void resample_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = resample(resample_adjoint[n->p[0]], g, n->p[1]);
}

/* up kinds: x [N,C,H,W] -> [N,C,fH,fW]; down kinds: x [N,C,fH,fW] -> [N,C,H,W] */
static Tensor *resample(int kind, Tensor *x, int f) {
    MG_CHECK(x->ndim == 4, "%s of %s (needs [N,C,H,W])", resample_name[kind], tensor_shape_str(x));
    MG_CHECK(f >= 1, "%s by factor %d", resample_name[kind], f);
    int up = kind == UP_NEAREST || kind == UP_BILINEAR;
    int N = x->shape[0], C = x->shape[1], H = x->shape[2], W = x->shape[3];
    if (!up) {
        MG_CHECK(H % f == 0 && W % f == 0, "%s of %s by factor %d", resample_name[kind], tensor_shape_str(x), f);
        H /= f;
        W /= f;
    }
    Tensor *xc = mg_contiguous(x);
    Tensor *y = up ? tensor_new(TSHAPE(N, C, H * f, W * f)) : tensor_new(TSHAPE(N, C, H, W));
    long planes = (long)N * C;
    switch (kind) {
    case UP_NEAREST: KERNEL(x->dev, upsample_nearest)(planes, H, W, f, xc->data, y->data); break;
    case DOWN_SUM: KERNEL(x->dev, downsample_sum)(planes, H, W, f, xc->data, y->data); break;
    case UP_BILINEAR: KERNEL(x->dev, upsample_bilinear)(planes, H, W, f, xc->data, y->data); break;
    case BILINEAR_ADJ: KERNEL(x->dev, upsample_bilinear_adjoint)(planes, H, W, f, xc->data, y->data); break;
    }
    Node *n = ad_record(resample_name[kind], y, 1, &xc, resample_bw);
    if (n) { n->p[0] = kind; n->p[1] = f; }
    return y;
}

/* resize_bilinear <-> its adjoint, a third closed pair (p: the small side's H, W, the large side's Ho, Wo) */
static Tensor *resize(int adjoint, Tensor *x, int H, int W, int Ho, int Wo);

static void resize_bw(Node *n, Tensor *g, Tensor **gin, const int *need) {
    gin[0] = resize(!n->p[4], g, n->p[0], n->p[1], n->p[2], n->p[3]);
}

/* forward: x [N,C,H,W] -> [N,C,Ho,Wo]; adjoint: x [N,C,Ho,Wo] -> [N,C,H,W] */
static Tensor *resize(int adjoint, Tensor *x, int H, int W, int Ho, int Wo) {
    const char *name = adjoint ? "resize_bilinear_adjoint" : "resize_bilinear";
    MG_CHECK(x->ndim == 4 && x->shape[2] == (adjoint ? Ho : H) && x->shape[3] == (adjoint ? Wo : W),
             "%s of %s to %dx%d", name, tensor_shape_str(x), adjoint ? H : Ho, adjoint ? W : Wo);
    Tensor *xc = mg_contiguous(x);
    const int N = x->shape[0], C = x->shape[1];
    Tensor *y = adjoint ? tensor_new(TSHAPE(N, C, H, W)) : tensor_new(TSHAPE(N, C, Ho, Wo));
    if (adjoint) KERNEL(x->dev, resize_bilinear_adjoint)((long)N * C, H, W, Ho, Wo, xc->data, y->data);
    else KERNEL(x->dev, resize_bilinear)((long)N * C, H, W, Ho, Wo, xc->data, y->data);
    Node *n = ad_record(name, y, 1, &xc, resize_bw);
    if (n) { n->p[0] = H; n->p[1] = W; n->p[2] = Ho; n->p[3] = Wo; n->p[4] = adjoint; }
    return y;
}

Tensor *mg_resize_bilinear(Tensor *x, int Ho, int Wo) {
    MG_CHECK(x->ndim == 4 && Ho >= 1 && Wo >= 1, "resize_bilinear of %s to %dx%d", tensor_shape_str(x), Ho, Wo);
    return resize(0, x, x->shape[2], x->shape[3], Ho, Wo);
}

Tensor *mg_upsample_nearest(Tensor *x, int factor) { return resample(UP_NEAREST, x, factor); }
Tensor *mg_downsample_sum(Tensor *x, int factor) { return resample(DOWN_SUM, x, factor); }
Tensor *mg_upsample_bilinear(Tensor *x, int factor) { return resample(UP_BILINEAR, x, factor); }

/* x [N,C,H,W] -> [N,C,(H+2p-k)/s+1,...]: depthwise conv with w [C,1,k,k] = 1/k^2 (a constant,
 * so it is not differentiated); padded zeros count in the mean (count_include_pad=True) */
Tensor *mg_avg_pool2d(Tensor *x, int k, int stride, int pad) {
    MG_CHECK(x->ndim == 4, "avg_pool2d of %s (needs [N,C,H,W])", tensor_shape_str(x));
    MG_CHECK(k >= 1 && stride >= 1 && pad >= 0 && 2 * pad <= k, "avg_pool2d with k %d, stride %d, pad %d", k, stride,
             pad);
    if (k == stride && pad == 0 && x->shape[2] % k == 0 && x->shape[3] % k == 0)   /* disjoint blocks: block sums / k^2 */
        return mg_affine(resample(DOWN_SUM, x, k), 1.0f / (float)(k * k), 0);
    int C = x->shape[1];
    Tensor *w = tensor_full(TSHAPE(C, 1, k, k), 1.0f / (float)(k * k));   /* [C,1,k,k] */
    return mg_conv2d(x, w, NULL, (ConvGeom){stride, pad, 0, C});
}
