#include "analysis/walk_effect.h"
#include "morpho/stats.h"
#include <math.h>
#include <string.h>

double student_t_quantile(double p, double df) {
    double lo = -1e3, hi = 1e3;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if (student_t_cdf(mid, df) < p) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

int walk_effect(const double *factors, int nf, const double *values, int nwalks, int relative, WalkEffect *o) {
    memset(o, 0, sizeof *o);
    o->per_unit = o->ci_lo = o->ci_hi = o->start_mean = NAN;
    double sum_s = 0, sum_ss = 0, sum_a = 0;
    int n = 0;
    for (int b = 0; b < nwalks; b++) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = 0;
        for (int j = 0; j < nf; j++) {
            double y = values[(long)b * nf + j];
            if (isnan(y)) continue;
            sx += factors[j]; sy += y; sxx += factors[j] * factors[j]; sxy += factors[j] * y;
            m++;
        }
        double den = m * sxx - sx * sx;
        if (m < 2 || den <= 1e-12 * (m * sxx + 1)) continue;
        double s = (m * sxy - sx * sy) / den, a = (sy - s * sx) / m;
        sum_s += s; sum_ss += s * s; sum_a += a;
        n++;
    }
    o->n_walks = n;
    if (n < 2) return -1;
    double mean = sum_s / n, var = (sum_ss - n * mean * mean) / (n - 1);
    double half = student_t_quantile(0.975, n - 1) * sqrt(var > 0 ? var : 0) / sqrt((double)n);
    o->start_mean = sum_a / n;
    double scale = relative ? 1.0 / o->start_mean : 1.0;
    o->per_unit = mean * scale;
    o->ci_lo = (mean - half) * scale;
    o->ci_hi = (mean + half) * scale;
    if (o->ci_lo > o->ci_hi) { double t = o->ci_lo; o->ci_lo = o->ci_hi; o->ci_hi = t; }
    return 0;
}
