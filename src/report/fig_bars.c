/* Bar chart with a line over it: PCA explained variance per component and its cumulative sum. */
#include "report/axes.h"
#include "report/figures.h"
#include "report/svg.h"
#include <math.h>

void fig_bars_line(StrBuf *b, const double *value, const double *cum, int n, const char *bar_name,
                   const char *line_name, const char *xlabel, const char *ylabel, const char *label) {
    double lo = 0, hi = 0, clo = 0, chi = 0;
    int k = axes_data_range(value, n, &lo, &hi), kc = cum ? axes_data_range(cum, n, &clo, &chi) : 0;
    if (kc) { lo = k ? fmin(lo, clo) : clo; hi = k ? fmax(hi, chi) : chi; }
    Axes a;
    axes_fit(&a, 0.5, n + 0.5, fmin(lo, 0), fmax(hi, 0), 0, FIG_W, FIG_H);
    a.x0 = 0.5; a.x1 = n + 0.5;              /* one slot per bar, no rounding out */
    a.x_integer = 1;
    if (n < 1) a.x1 = 1.5;
    svg_begin(b, FIG_W, FIG_H, label);
    axes_draw(b, &a, xlabel, ylabel);
    double slot = a.pw / (a.x1 - a.x0);
    for (int i = 0; i < n; i++) {
        if (!isfinite(value[i])) continue;
        double x = axes_x(&a, i + 1) - 0.4 * slot, y0 = axes_y(&a, 0), y = axes_y(&a, value[i]);
        svg_rect(b, x, fmin(y, y0), 0.8 * slot, fabs(y0 - y), svg_palette(0), 0.8, NULL);
    }
    if (cum) {
        int open = 0;
        for (int i = 0; i < n; i++) {
            if (!isfinite(cum[i])) { if (open) svg_polyline_end(b); open = 0; continue; }
            if (!open) { svg_polyline_begin(b, svg_palette(1), 1.8); open = 1; }
            svg_polyline_point(b, axes_x(&a, i + 1), axes_y(&a, cum[i]));
        }
        if (open) svg_polyline_end(b);
        if (n <= 60)
            for (int i = 0; i < n; i++)
                if (isfinite(cum[i])) svg_circle(b, axes_x(&a, i + 1), axes_y(&a, cum[i]), 2.5, svg_palette(1), 1);
    }
    if (!k && !kc) svg_text(b, a.px + a.pw / 2, a.py + a.ph / 2, "middle", 13, 0, "no finite values");
    const char *names[2] = {bar_name, line_name};
    axes_legend(b, &a, names, cum ? 2 : 1, "bl");
    svg_end(b);
}
