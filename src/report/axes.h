/* The frame of a 2-D chart: data ranges rounded out to "nice" ticks (1, 2, 5 x 10^k; decades on a
 * log axis), the mapping data -> pixels, and drawing of the box, grid, tick labels, axis titles and a
 * legend into an SVG. */
#ifndef MG_AXES_H
#define MG_AXES_H
#include "report/strbuf.h"

typedef struct Axes {
    double x0, x1, y0, y1;        /* data range shown (log10 of it on a log axis) */
    int log_y;                    /* y drawn on a log10 scale (all shown values must be > 0) */
    int x_integer;                /* x ticks at whole numbers only (component indices) */
    double px, py, pw, ph;        /* plot area in pixels: left, top, width, height */
} Axes;

/* A frame for data in [xmin, xmax] x [ymin, ymax] inside a width x height figure; ranges are widened
 * to tick multiples (an empty range is widened around its value).  log_y needs ymin > 0. */
void axes_fit(Axes *a, double xmin, double xmax, double ymin, double ymax, int log_y, int width, int height);
double axes_x(const Axes *a, double v);
double axes_y(const Axes *a, double v);         /* v > 0 on a log axis (clamped to the frame otherwise) */
/* box, grid lines, tick labels and axis titles (either title may be NULL) */
void axes_draw(StrBuf *b, const Axes *a, const char *xlabel, const char *ylabel);
/* names[k] with a swatch of svg_palette(k) in the top-right corner; styles[k] (or styles[0] for all
 * when it is one character) is 'l' line, 'b' box or 'd' dot */
void axes_legend(StrBuf *b, const Axes *a, const char *const *names, int n, const char *styles);
/* finite min and max of v[0..n) into *lo, *hi (left alone when none); returns how many are finite */
int axes_data_range(const double *v, int n, double *lo, double *hi);
/* a short label for tick value v on an axis whose ticks are step apart */
void axes_tick_label(double v, double step, char *out, int cap);
#endif
