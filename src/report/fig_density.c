/* Kernel-density curves by group: per-image reconstruction error by class (control/treated/generated). */
#include "report/figures.h"
#include "core/error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define GRID 200

void fig_densities(StrBuf *b, const double *v, const int *group, int n, const char *const *names, int n_groups,
                   const char *xlabel, KdeRule rule, const char *label) {
    if (n_groups < 1) n_groups = 1;
    double *vals = mg_xmalloc(sizeof(double) * (n > 0 ? n : 1));
    double *h = mg_xcalloc(n_groups, sizeof(double));
    /* bandwidths first: the common grid reaches 3 bandwidths past the extreme values */
    double lo = 0, hi = 0;
    int any = 0;
    for (int g = 0; g < n_groups; g++) {
        int m = 0;
        for (int i = 0; i < n; i++) if (group[i] == g && isfinite(v[i])) vals[m++] = v[i];
        h[g] = kde_bandwidth(vals, m, rule);
        if (h[g] <= 0) continue;
        for (int i = 0; i < m; i++) {
            double a = vals[i] - 3 * h[g], z = vals[i] + 3 * h[g];
            if (!any || a < lo) lo = a;
            if (!any || z > hi) hi = z;
            any = 1;
        }
    }
    double *grid = mg_xmalloc(sizeof(double) * GRID), *dens = mg_xmalloc(sizeof(double) * GRID * n_groups);
    for (int j = 0; j < GRID; j++) grid[j] = lo + (hi - lo) * j / (GRID - 1);
    Series *s = mg_xcalloc(n_groups, sizeof(Series));
    char (*legend)[96] = mg_xcalloc(n_groups, sizeof *legend);
    for (int g = 0; g < n_groups; g++) {
        int m = 0;
        for (int i = 0; i < n; i++) if (group[i] == g && isfinite(v[i])) vals[m++] = v[i];
        double *d = dens + (size_t)g * GRID;
        if (h[g] > 0) {
            kde_eval(vals, m, h[g], grid, GRID, d);
            snprintf(legend[g], sizeof legend[g], "%.60s (n=%d)", names[g], m);
        } else {
            for (int j = 0; j < GRID; j++) d[j] = NAN;
            snprintf(legend[g], sizeof legend[g], "%.50s (n=%d, no spread)", names[g], m);
        }
        s[g] = (Series){legend[g], grid, d, GRID};
    }
    fig_lines(b, s, n_groups, xlabel, "density", 0, label);
    free(legend); free(s); free(dens); free(grid); free(h); free(vals);
}
