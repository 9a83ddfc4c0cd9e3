/* Scatter plots coloured by label: t-SNE and PCA projections. */
#include "report/axes.h"
#include "report/figures.h"
#include "report/svg.h"
#include <math.h>

void fig_scatter(StrBuf *b, const double *x, const double *y, const int *group, int n,
                 const char *const *names, int n_groups, const char *xlabel, const char *ylabel, const char *label) {
    double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    int kx = axes_data_range(x, n, &xlo, &xhi), ky = axes_data_range(y, n, &ylo, &yhi);
    Axes a;
    axes_fit(&a, xlo, xhi, ylo, yhi, 0, FIG_W, FIG_W * 3 / 4);
    svg_begin(b, FIG_W, FIG_W * 3 / 4, label);
    axes_draw(b, &a, xlabel, ylabel);
    double r = n > 1000 ? 2.2 : n > 200 ? 3 : 4;
    /* in file order, so no group is drawn wholly under another */
    for (int i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            svg_circle(b, axes_x(&a, x[i]), axes_y(&a, y[i]), r, svg_palette(group[i]), 0.7);
    if (!kx || !ky) svg_text(b, a.px + a.pw / 2, a.py + a.ph / 2, "middle", 13, 0, "no finite values");
    axes_legend(b, &a, names, n_groups, "d");
    svg_end(b);
}
