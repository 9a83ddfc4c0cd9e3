/* One-dimensional Gaussian kernel density estimate, as scipy.stats.gaussian_kde computes it:
 * bandwidth h = factor * sample standard deviation (ddof = 1), with Scott's factor n^(-1/5) or
 * Silverman's (3n/4)^(-1/5); density(x) = 1/n sum_i N(x; x_i, h^2).  Tested against scipy on
 * fixtures/kde_scipy.csv (tools/make_report_fixtures.py). */
#ifndef MG_KDE_H
#define MG_KDE_H

typedef enum { KDE_SCOTT, KDE_SILVERMAN } KdeRule;

/* h for the n values x (non-finite values must be left out by the caller); 0 when n < 2 or every
 * value is the same (scipy raises a singular-covariance error there). */
double kde_bandwidth(const double *x, int n, KdeRule rule);
/* out[j] = density at grid[j], j < m, with bandwidth h > 0 */
void kde_eval(const double *x, int n, double h, const double *grid, int m, double *out);
#endif
