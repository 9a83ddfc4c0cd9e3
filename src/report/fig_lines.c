/* Line charts: training losses against kimg, metrics during training, density curves. */
#include "report/axes.h"
#include "report/figures.h"
#include "report/svg.h"
#include <math.h>

/* y over the frame, on a log axis only the positive values count */
static int y_range(const Series *s, int ns, int log_y, double *lo, double *hi) {
    int k = 0;
    for (int j = 0; j < ns; j++)
        for (int i = 0; i < s[j].n; i++) {
            double x = s[j].x[i], y = s[j].y[i];
            if (!isfinite(x) || !isfinite(y) || (log_y && y <= 0)) continue;
            if (!k || y < *lo) *lo = y;
            if (!k || y > *hi) *hi = y;
            k++;
        }
    return k;
}

static int all_positive(const Series *s, int ns) {
    for (int j = 0; j < ns; j++)
        for (int i = 0; i < s[j].n; i++)
            if (isfinite(s[j].y[i]) && s[j].y[i] <= 0) return 0;
    return 1;
}

/* one series as polylines broken at non-finite points; `bin` consecutive points averaged into one */
static void draw_series(StrBuf *b, const Axes *a, const Series *s, int bin, const char *colour) {
    int open = 0;
    for (int i = 0; i < s->n; i += bin) {
        double sx = 0, sy = 0;
        int k = 0, broken = 0;
        for (int t = i; t < i + bin && t < s->n; t++) {
            if (isfinite(s->x[t]) && isfinite(s->y[t]) && (!a->log_y || s->y[t] > 0)) { sx += s->x[t]; sy += s->y[t]; k++; }
            else broken = 1;
        }
        if (!k || (broken && bin == 1)) {
            if (open) { svg_polyline_end(b); open = 0; }
            continue;
        }
        if (!open) { svg_polyline_begin(b, colour, 1.5); open = 1; }
        svg_polyline_point(b, axes_x(a, sx / k), axes_y(a, sy / k));
    }
    if (open) svg_polyline_end(b);
}

int fig_lines(StrBuf *b, const Series *s, int ns, const char *xlabel, const char *ylabel, int log_y,
              const char *label) {
    double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    int any_x = 0;
    for (int j = 0; j < ns; j++) {
        double lo = 0, hi = 0;
        if (!axes_data_range(s[j].x, s[j].n, &lo, &hi)) continue;
        if (!any_x || lo < xlo) xlo = lo;
        if (!any_x || hi > xhi) xhi = hi;
        any_x = 1;
    }
    log_y = log_y && all_positive(s, ns);
    int any = any_x && y_range(s, ns, log_y, &ylo, &yhi) > 0;
    if (!any) log_y = 0;
    Axes a;
    axes_fit(&a, xlo, xhi, ylo, yhi, log_y, FIG_W, FIG_H);
    svg_begin(b, FIG_W, FIG_H, label);
    axes_draw(b, &a, xlabel, ylabel);
    int widest = 1;
    for (int j = 0; j < ns; j++) {
        int bin = s[j].n > FIG_MAX_POINTS ? (s[j].n + FIG_MAX_POINTS - 1) / FIG_MAX_POINTS : 1;
        if (bin > widest) widest = bin;
        draw_series(b, &a, &s[j], bin, svg_palette(j));
    }
    if (!any) svg_text(b, a.px + a.pw / 2, a.py + a.ph / 2, "middle", 13, 0, "no finite values");
    if (ns > 0 && s[0].name) {
        const char *names[64];
        int n = ns < 64 ? ns : 64;
        for (int j = 0; j < n; j++) names[j] = s[j].name;
        axes_legend(b, &a, names, n, "l");
    }
    svg_end(b);
    return widest;
}
