/* Resampling kernels (raw pointers).  Images are `planes` contiguous [H,W] planes (planes = N*C);
 * the upsampled side is [f*H, f*W].  CPU versions: kernels/cpu/resample.c.  Each plane is
 * handled by one thread in a fixed order, so adjoints (scatters) are deterministic. */
#ifndef MG_K_RESAMPLE_H
#define MG_K_RESAMPLE_H
/* y[i,j] = x[i/f, j/f] */
void cpu_upsample_nearest(long planes, int H, int W, int f, const float *x, float *y);
/* its adjoint: gx[h,w] = sum of g over the f x f block (h*f.., w*f..) */
void cpu_downsample_sum(long planes, int H, int W, int f, const float *g, float *gx);
/* bilinear, align_corners=False (PyTorch): src = max(0, (dst + 0.5)/f - 0.5), i0 = floor(src),
 * i1 = min(i0 + 1, H - 1), weights 1 - (src - i0) and src - i0, separably in rows and columns */
void cpu_upsample_bilinear(long planes, int H, int W, int f, const float *x, float *y);
/* its adjoint (transpose): g [planes, fH, fW] -> gx [planes, H, W] */
void cpu_upsample_bilinear_adjoint(long planes, int H, int W, int f, const float *g, float *gx);
/* bilinear to any size (F.interpolate(size=(Ho, Wo), mode='bilinear', align_corners=False), no antialiasing):
 * the same rule with scale H / Ho per axis; x [planes, H, W] -> y [planes, Ho, Wo] */
void cpu_resize_bilinear(long planes, int H, int W, int Ho, int Wo, const float *x, float *y);
/* its adjoint: g [planes, Ho, Wo] -> gx [planes, H, W] */
void cpu_resize_bilinear_adjoint(long planes, int H, int W, int Ho, int Wo, const float *g, float *gx);
#endif
