/* Overlaid histograms by group: signed distances to the hyperplane by true label and by prediction. */
#include "report/axes.h"
#include "report/figures.h"
#include "report/svg.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>

void fig_histograms(StrBuf *b, const double *v, const int *group, int n, const char *const *names, int n_groups,
                    const char *xlabel, double mark_x, const char *label) {
    double lo = 0, hi = 1;
    int nf = axes_data_range(v, n, &lo, &hi);
    int bins = (int)sqrt((double)nf);
    bins = bins < 10 ? 10 : bins > 40 ? 40 : bins;
    if (hi <= lo) { double d = lo != 0 ? fabs(lo) * 0.05 : 0.5; lo -= d; hi += d; }
    const double width = (hi - lo) / bins;
    if (isfinite(mark_x) && mark_x > lo && mark_x < hi) {     /* mark_x on a bin edge: no bin straddles it */
        lo = mark_x - ceil((mark_x - lo) / width - 1e-9) * width;
        bins = (int)ceil((hi - lo) / width - 1e-9);
    }
    int *count = mg_xcalloc((size_t)bins * (n_groups > 0 ? n_groups : 1), sizeof(int));
    int top = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]) || group[i] < 0 || group[i] >= n_groups) continue;
        double t = (v[i] - lo) / width;
        int k = !(t >= 0) ? 0 : t >= bins ? bins - 1 : (int)t;
        int c = ++count[group[i] * bins + k];
        if (c > top) top = c;
    }
    double xlo = lo, xhi = hi;
    if (isfinite(mark_x)) { xlo = fmin(xlo, mark_x); xhi = fmax(xhi, mark_x); }
    Axes a;
    axes_fit(&a, xlo, xhi, 0, top > 0 ? 1.15 * top : 1, 0, FIG_W, FIG_H);     /* headroom for the legend */
    svg_begin(b, FIG_W, FIG_H, label);
    axes_draw(b, &a, xlabel, "images");
    for (int g = 0; g < n_groups; g++) {
        const char *c = svg_palette(g);
        for (int k = 0; k < bins; k++) {
            int m = count[g * bins + k];
            if (!m) continue;
            double x0 = axes_x(&a, lo + k * width), x1 = axes_x(&a, lo + (k + 1) * width);
            double y = axes_y(&a, m), y0 = axes_y(&a, 0);
            svg_rect(b, x0, y, x1 - x0, y0 - y, c, 0.35, c);
        }
    }
    if (isfinite(mark_x)) svg_dashed_line(b, axes_x(&a, mark_x), a.py, axes_x(&a, mark_x), a.py + a.ph, "#333333", 1.2);
    if (!nf) svg_text(b, a.px + a.pw / 2, a.py + a.ph / 2, "middle", 13, 0, "no finite values");
    axes_legend(b, &a, names, n_groups, "b");
    svg_end(b);
    free(count);
}
