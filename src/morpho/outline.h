/* Outline of a binary region: Moore-neighbour tracing (clockwise on screen, y down) of the boundary
 * pixels of the component that contains the first foreground pixel in raster order; it stops when
 * it is back at the start pixel about to repeat its first step.  Suits the single filled component that segment_valve leaves in the mask. */
#ifndef MG_OUTLINE_H
#define MG_OUTLINE_H
#include <stdint.h>

/* mask: w*h (nonzero = region).  xy: room for 2 * max_points ints, receives (x, y) pairs of boundary
 * pixels in order (the first point is not repeated at the end).  Returns the number of points, 0 if
 * the mask is empty. */
int trace_outline(const uint8_t *mask, int w, int h, int *xy, int max_points);

/* Perimeter of a traced 8-connected outline by Kulpa's estimator 0.948 * (n_straight + sqrt2 * n_diagonal). */
double outline_perimeter(const int *xy, int n);
#endif
