/* Segmentation of one valve: background subtraction, Otsu threshold on the darkness, largest
 * 8-connected component, hole filling.  Anything that makes the measurement unreliable is a flag. */
#ifndef MG_SEGMENT_H
#define MG_SEGMENT_H
#include "morpho/workspace.h"

enum SegFlag {
    SEG_OK = 0,
    SEG_IMAGE_TOO_SMALL,      /* fewer than 16 pixels on a side */
    SEG_NO_OBJECT,            /* nothing stands out of the background noise (empty, uniform, black) */
    SEG_OBJECT_TOO_SMALL,     /* largest component under 30 pixels */
    SEG_TOUCHES_BORDER,       /* the valve reaches the image border: it may be cut off */
    SEG_MULTIPLE_OBJECTS,     /* a second component at least a quarter of the largest one */
    SEG_UNREADABLE,           /* the file could not be read (set by the batch code) */
    SEG_MEASURE_FAILED,       /* segmentation ok but the outline could not be measured */
    SEG_N_FLAGS
};
const char *seg_flag_name(int flag);    /* "ok", "image_too_small", ... */

typedef struct Segmentation {
    int w, h;
    int flag;
    int area;                /* valve pixels (after hole filling) */
    float threshold;         /* Otsu threshold on the darkness */
    float level;             /* robust darkness of the valve: 90th percentile inside the mask */
    float noise;             /* robust noise sigma of the background */
} Segmentation;

/* Input: wk->gray (w*h luminance), reserved with morpho_work_reserve.
 * Output: wk->bg, wk->dark, wk->mask filled; *seg summary.  Returns seg->flag. */
int segment_valve(MorphoWork *wk, int w, int h, Segmentation *seg);

/* Otsu's threshold of n values (256-bin histogram between their min and max). */
float otsu_threshold(const float *v, int n);
#endif
