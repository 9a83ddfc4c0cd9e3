/* The report's charts, each drawn as one inline SVG appended to a StrBuf.  Non-finite values are left
 * out (a line breaks there); a chart with nothing finite to show draws its frame and says so.  Text
 * (names, labels) is escaped by the drawing code.  Colours follow svg_palette(group index). */
#ifndef MG_FIGURES_H
#define MG_FIGURES_H
#include "report/kde.h"
#include "report/strbuf.h"

#define FIG_W 640
#define FIG_H 360
#define FIG_MAX_POINTS 1500          /* longer line series are drawn as means of consecutive bins */

typedef struct Series {
    const char *name;
    const double *x, *y;            /* n points */
    int n;
} Series;

/* Line chart of ns series (a legend of their names unless s[0].name is NULL).  log_y: log10 y axis, used only when every finite y
 * is > 0.  Returns the bin width used for the longest series (1 = every point drawn). */
int fig_lines(StrBuf *b, const Series *s, int ns, const char *xlabel, const char *ylabel, int log_y,
              const char *label);
/* Scatter of (x[i], y[i]) coloured by group[i] in [0, n_groups), legend of group names. */
void fig_scatter(StrBuf *b, const double *x, const double *y, const int *group, int n,
                 const char *const *names, int n_groups, const char *xlabel, const char *ylabel, const char *label);
/* Overlaid histograms of v by group on common bins (count per bin); a dashed vertical line at
 * mark_x when it is finite (0 = the hyperplane for signed distances). */
void fig_histograms(StrBuf *b, const double *v, const int *group, int n, const char *const *names, int n_groups,
                    const char *xlabel, double mark_x, const char *label);
/* Gaussian kernel-density curves of v by group (bandwidth by rule, per group); a group with fewer than
 * two distinct values has no curve and its legend entry says so. */
void fig_densities(StrBuf *b, const double *v, const int *group, int n, const char *const *names, int n_groups,
                   const char *xlabel, KdeRule rule, const char *label);
/* Bars value[k] at x = k + 1 with the line cum[k] over them (both on one y axis), legend names. */
void fig_bars_line(StrBuf *b, const double *value, const double *cum, int n, const char *bar_name,
                   const char *line_name, const char *xlabel, const char *ylabel, const char *label);
/* Confusion matrix: counts[r * n_cols + c] (true class r, predicted class c) as cells shaded by the
 * fraction of their row, with the count and that fraction written in each. */
void fig_confusion(StrBuf *b, const double *counts, int n_rows, int n_cols, const char *const *row_names,
                   const char *const *col_names, const char *label);
#endif
