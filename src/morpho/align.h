/* Canonical pose of one valve image.  The valve's position, the direction of its major axis and the
 * side it bends to are nuisances for a latent model: a linear direction in W cannot separate "strongly
 * bent" from "straight" when half the valves bend up and half down (|bend| is not linear in the bend).
 * Aligning moves the valve's centroid to the image centre, turns its major axis horizontal (a rotation
 * of at most 90 degrees) and flips the image top-bottom where needed, so that every midline bends the
 * same way: tips lower than the middle (an arch).  morpho's measures (length, width, bending, ...) are
 * unchanged up to resampling.  Coordinates: pixel (x, y) has its centre at (x + 0.5, y + 0.5). */
#ifndef MG_ALIGN_H
#define MG_ALIGN_H
#include "morpho/workspace.h"

typedef struct AlignPose {
    double cx, cy;      /* the valve's centroid in the input (pixels) */
    double ux, uy;      /* unit major axis, ux >= 0 */
    double nx, ny;      /* unit vector of the output's downward axis in the input: (-uy, ux), times -1 when flipped */
    int flip;           /* 1: the output is mirrored top-bottom (after the rotation) */
    double angle_deg;   /* direction of the major axis in the input, (-90, 90] */
} AlignPose;

/* Finds the pose of the valve in gray ([h, w] luminance in 0..1) with morpho's measurement; wk is
 * reserved as needed.  Returns SEG_OK (0), a SEG_* flag when the valve is not measured, or -1 when
 * out of memory. */
int align_find_pose(MorphoWork *wk, const float *gray, int w, int h, AlignPose *pose);

/* Resamples in ([c, h, w]) into out ([c, h, w], not aliasing in): out(x, y) = in at the point
 * centroid + (x + 0.5 - w/2) u + (y + 0.5 - h/2) n, bilinear, the border pixels repeated outside. */
void align_apply(const AlignPose *pose, int c, int w, int h, const float *in, float *out);
#endif
