/* Scratch memory for measuring one image, reused from image to image (one per thread), so that the
 * measurement loop allocates nothing once the largest image has been seen. */
#ifndef MG_WORKSPACE_H
#define MG_WORKSPACE_H
#include <stdint.h>

typedef struct MorphoWork {
    int cap;              /* pixels the buffers hold */
    float *gray;          /* w*h: luminance 0..1 */
    float *bg;            /* w*h: estimated background (illumination) */
    float *dark;          /* w*h: bg - gray, > 0 where the image is darker than the background */
    uint8_t *mask;        /* w*h: 1 = valve (largest component, holes filled) */
    int *label;           /* w*h: component labels; also a BFS queue */
    int *queue;           /* w*h */
    int *contour;         /* 2 * (w*h + 4): outline pixels (x, y), in tracing order */
    int n_contour;
    int ray_cap;          /* samples in the per-u arrays below */
    double *ray_u, *ray_top, *ray_bot;   /* per sample along the major axis: u, upper and lower edge (px) */
    double *sec_u, *sec_v, *sec_w;       /* per section perpendicular to the midline: centre (u, v), width */
} MorphoWork;

void morpho_work_init(MorphoWork *wk);
int morpho_work_reserve(MorphoWork *wk, int w, int h);   /* 0 or -1 (out of memory) */
void morpho_work_free(MorphoWork *wk);
#endif
