/* Outline morphometrics of one valve image.  All lengths in pixels, angles in radians unless named _deg.
 *  length      arc length of the midline from tip to tip (midline = quadratic fitted to the centres of
 *              the valve's cross-sections along the major principal axis; tips = where the darkness along
 *              the midline crosses half the valve's darkness level, with sub-pixel interpolation)
 *  width       largest cross-section perpendicular to the midline (edges found the same way)
 *  area        sum of the cross-sections (1 px apart along the major axis, sub-pixel edges), px^2
 *  perimeter   Kulpa's estimate on the traced outline of the segmented valve
 *  elongation  length / width
 *  bending     total turning angle of the midline between the tips, |atan v'(tip1) - atan v'(tip2)|
 *  lr_asymmetry  sum |h_left - h_right| / sum (h_left + h_right) over the central 80% of the midline,
 *              h = distance from the midline to each margin (0 = mirror-symmetric about the midline)
 *  major_extent, minor_extent  extents of the segmented valve along its two principal axes (pixel
 *              centres' range + 1): the straight (caliper-like) length and breadth, no sub-pixel edges
 *  efd         normalised elliptic Fourier descriptors of the outline (see efd.h) */
#ifndef MG_MEASURE_H
#define MG_MEASURE_H
#include "io/image.h"
#include "morpho/segment.h"
#include "morpho/workspace.h"

#define MORPHO_MAX_HARM 20
#define MORPHO_N_SCALARS 9

typedef struct Measures {
    int flag;                          /* SEG_OK or the reason the row is not measured */
    double length, width, area, perimeter, elongation, bending, lr_asymmetry;
    double major_extent, minor_extent;  /* straight extents of the mask along the principal axes, px */
    double cx, cy, angle_deg;          /* centroid (pixels, x right, y down) and major-axis direction */
    int n_harm;
    double efd[MORPHO_MAX_HARM][4];
    /* the fitted midline, for drawing: point(u) = (frame[0], frame[1]) + u * (frame[2], frame[3])
     * + v(u) * (frame[4], frame[5]), v(u) = q[0] + q[1] (u - uc) + q[2] (u - uc)^2, u in [u_lo, u_hi] */
    double frame[6], q[3], uc, u_lo, u_hi;
} Measures;

/* Names of the scalar measures in output order, and their values from m (MORPHO_N_SCALARS of them). */
extern const char *const morpho_scalar_names[MORPHO_N_SCALARS];
void morpho_scalars(const Measures *m, double out[MORPHO_N_SCALARS]);

/* Measures the image in wk->gray (w x h luminance); wk reserved for w x h.  Returns m->flag.
 * On SEG_OK (and on the flags after segmentation) wk->mask and wk->contour describe the valve. */
int morpho_measure_gray(MorphoWork *wk, int w, int h, int n_harm, Measures *m);
/* Same from an 8-bit image (grey or RGB); reserves wk as needed.  -1 only when out of memory. */
int morpho_measure_image(const Image *img, MorphoWork *wk, int n_harm, Measures *m);
#endif
