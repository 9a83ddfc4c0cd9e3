#include "report/kde.h"
#include <math.h>

double kde_bandwidth(const double *x, int n, KdeRule rule) {
    if (n < 2) return 0;
    double mean = 0, ss = 0;
    for (int i = 0; i < n; i++) mean += x[i];
    mean /= n;
    for (int i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
    double sd = sqrt(ss / (n - 1));
    if (!(sd > 0) || !isfinite(sd)) return 0;
    double factor = rule == KDE_SCOTT ? pow(n, -0.2) : pow(n * 0.75, -0.2);
    return factor * sd;
}

void kde_eval(const double *x, int n, double h, const double *grid, int m, double *out) {
    const double norm = 1.0 / (n * h * sqrt(2 * M_PI));
    for (int j = 0; j < m; j++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double u = (grid[j] - x[i]) / h;
            s += exp(-0.5 * u * u);
        }
        out[j] = s * norm;
    }
}
