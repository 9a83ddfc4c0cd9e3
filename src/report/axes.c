#include "report/axes.h"
#include "report/svg.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TICKS 5                 /* about this many ticks per axis */

/* 1, 2, 5 or 10 times a power of ten, close to x > 0 */
static double nice_step(double x) {
    double p = pow(10, floor(log10(x))), f = x / p;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

static void fit_range(double *lo, double *hi) {
    if (!isfinite(*lo) || !isfinite(*hi)) { *lo = 0; *hi = 1; }
    if (!isfinite(*hi - *lo)) { *lo = -1e307; *hi = 1e307; }     /* a span beyond double's range */
    if (*hi < *lo) { double t = *lo; *lo = *hi; *hi = t; }
    if (*hi - *lo <= 1e-12 * fmax(1, fabs(*lo))) {
        double d = *lo != 0 ? fabs(*lo) * 0.1 : 1;
        *lo -= d; *hi += d;
    }
    double step = nice_step((*hi - *lo) / TICKS);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
}

void axes_fit(Axes *a, double xmin, double xmax, double ymin, double ymax, int log_y, int width, int height) {
    memset(a, 0, sizeof *a);
    a->px = 70; a->py = 16; a->pw = width - 70 - 16; a->ph = height - 16 - 50;
    a->log_y = log_y && ymin > 0 && isfinite(ymin);
    a->x0 = xmin; a->x1 = xmax;
    fit_range(&a->x0, &a->x1);
    if (a->log_y) {
        a->y0 = floor(log10(ymin));
        a->y1 = ceil(log10(ymax));
        if (a->y1 <= a->y0) a->y1 = a->y0 + 1;
    } else {
        a->y0 = ymin; a->y1 = ymax;
        fit_range(&a->y0, &a->y1);
    }
}

double axes_x(const Axes *a, double v) { return a->px + (v - a->x0) / (a->x1 - a->x0) * a->pw; }

double axes_y(const Axes *a, double v) {
    double t = a->log_y ? (v > 0 ? log10(v) : a->y0) : v;
    double y = a->py + a->ph - (t - a->y0) / (a->y1 - a->y0) * a->ph;
    return fmin(fmax(y, a->py - 1), a->py + a->ph + 1);
}

void axes_tick_label(double v, double step, char *out, int cap) {
    if (fabs(v) < step * 1e-6) v = 0;
    double m = fmax(fabs(v), step);
    if (v != 0 && (m >= 1e6 || m < 1e-3)) { snprintf(out, cap, "%.3g", v); return; }
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(out, cap, "%.*f", dec, v);
}

void axes_draw(StrBuf *b, const Axes *a, const char *xlabel, const char *ylabel) {
    const double bottom = a->py + a->ph, right = a->px + a->pw;
    char lab[48];
    double xs = nice_step((a->x1 - a->x0) / TICKS);
    if (a->x_integer && xs < 1) xs = 1;
    double x_first = ceil(a->x0 / xs - 1e-9) * xs;
    for (int k = 0; k <= 4 * TICKS; k++) {
        double v = x_first + k * xs;
        if (v > a->x1 + xs * 1e-6) break;
        double x = axes_x(a, v);
        svg_line(b, x, a->py, x, bottom, "#e4e4e4", 1);
        svg_line(b, x, bottom, x, bottom + 4, "#444444", 1);
        axes_tick_label(v, xs, lab, sizeof lab);
        svg_text(b, x, bottom + 17, "middle", 11, 0, lab);
    }
    if (a->log_y) {
        int decades = (int)(a->y1 - a->y0), every = decades > 12 ? (decades + 5) / 6 : 1;
        static const double sub[3] = {1, 2, 5};
        for (int e = (int)a->y0; e <= (int)a->y1; e += every)
            for (int s = 0; s < (decades <= 2 ? 3 : 1); s++) {
                double v = sub[s] * pow(10, e);
                if (log10(v) > a->y1 + 1e-9) break;
                double y = axes_y(a, v);
                svg_line(b, a->px, y, right, y, s ? "#f0f0f0" : "#e4e4e4", 1);
                svg_line(b, a->px - 4, y, a->px, y, "#444444", 1);
                snprintf(lab, sizeof lab, "%g", v);
                svg_text(b, a->px - 7, y + 4, "end", 11, 0, lab);
            }
    } else {
        double ys = nice_step((a->y1 - a->y0) / TICKS);
        double y_first = ceil(a->y0 / ys - 1e-9) * ys;
        for (int k = 0; k <= 4 * TICKS; k++) {
            double v = y_first + k * ys;
            if (v > a->y1 + ys * 1e-6) break;
            double y = axes_y(a, v);
            svg_line(b, a->px, y, right, y, "#e4e4e4", 1);
            svg_line(b, a->px - 4, y, a->px, y, "#444444", 1);
            axes_tick_label(v, ys, lab, sizeof lab);
            svg_text(b, a->px - 7, y + 4, "end", 11, 0, lab);
        }
    }
    svg_rect(b, a->px, a->py, a->pw, a->ph, "none", 1, "#444444");
    if (xlabel) svg_text(b, a->px + a->pw / 2, bottom + 38, "middle", 12, 0, xlabel);
    if (ylabel) svg_text(b, 16, a->py + a->ph / 2, "middle", 12, -90, ylabel);
}

void axes_legend(StrBuf *b, const Axes *a, const char *const *names, int n, const char *styles) {
    if (n <= 0) return;
    size_t longest = 0;
    for (int k = 0; k < n; k++) longest = strlen(names[k]) > longest ? strlen(names[k]) : longest;
    if (longest > 40) longest = 40;
    double w = 30 + 6.5 * (double)longest, h = 8 + 16.0 * n;
    double x = a->px + a->pw - w - 6, y = a->py + 6;
    svg_rect(b, x, y, w, h, "#ffffff", 0.85, "#bbbbbb");
    for (int k = 0; k < n; k++) {
        double cy = y + 12 + 16.0 * k;
        const char *c = svg_palette(k);
        char style = styles[strlen(styles) > 1 && (size_t)k < strlen(styles) ? k : 0];
        if (style == 'l') svg_line(b, x + 5, cy, x + 21, cy, c, 2);
        else if (style == 'd') svg_circle(b, x + 13, cy, 4, c, 1);
        else svg_rect(b, x + 6, cy - 5, 14, 10, c, 0.6, c);
        char name[48];
        snprintf(name, sizeof name, "%s", names[k]);
        if (strlen(names[k]) > 40) {           /* cut at a UTF-8 character boundary, then "..." */
            int cut = 37;
            while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--;
            memcpy(name + cut, "...", 4);
        }
        svg_text(b, x + 26, cy + 4, "start", 11, 0, name);
    }
}

int axes_data_range(const double *v, int n, double *lo, double *hi) {
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        if (!k || v[i] < *lo) *lo = v[i];
        if (!k || v[i] > *hi) *hi = v[i];
        k++;
    }
    return k;
}
